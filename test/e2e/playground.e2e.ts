/**
 * End-to-end test of the browser playground (web/), in Debian's Chromium driven by
 * playwright-core: `npm run test:e2e` (not part of `npm test`; about two minutes on 2 cores).
 *
 * It trains a seedNet in Node for one epoch and saves it as a model file, builds the page with
 * Vite, serves it with `vite preview` (COOP/COEP on) and checks that the page is cross-origin
 * isolated and trains on threads, that test accuracy passes 90%, that a 7 and a 1 drawn with
 * the mouse are recognised, that a saved model decodes in Node and predicts there as on the
 * page, and that the model trained in Node predicts on the page what it predicts in Node
 * (top-1 and every probability within 1e-4). Then it serves the page without COOP/COEP and
 * checks the single-thread path. It prints the throughput of both and writes a screenshot to
 * test/e2e/artifacts/playground.png. It also checks that Train is enabled within 2 s (the
 * digits load in the background), that the page fits a 390 px screen, and that a file that is
 * not a model gets a message saying what to open.
 *
 * Without /usr/bin/chromium (or the binary CONVNET_CHROMIUM names) it skips, saying so; with
 * CI=true it fails instead.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  createWasmBackend,
  data,
  io,
  nn,
  noGrad,
  optim,
  setBackend,
  type WasmBackend,
} from '../../src/index.js';
import {
  ARTIFACTS,
  buildPlayground,
  chromiumMissing,
  drawStroke,
  launchChromium,
  newPage,
  serve,
  type Served,
} from './harness.js';

const { DataLoader, mnistDataset } = data;
const { decodeModelFile, encodeModelFile, modelFromFile } = io;
const { crossEntropy, softmax } = nn.functional;

const SCREENSHOT = join(ARTIFACTS, 'playground.png');
const NODE_MODEL_FILE = 'node-seed-net.safetensors';
/** Test digits whose predictions are compared between Node and the page. */
const COMPARED_DIGITS = [0, 1, 2, 3, 4, 5];
const PROBABILITY_TOLERANCE = 1e-4;

const skipReason = chromiumMissing('playground');

interface ClassProbability {
  classIndex: number;
  probability: number;
}

/** One-row softmax of the model's logits for test image i, in Node. */
function nodeProbabilities(model: nn.Layer, test: data.InMemoryDataset, i: number): Float32Array {
  return noGrad(() => {
    const logits = model.forward(test.getBatch([i]).images);
    return Float32Array.from(softmax(logits, 1).data);
  });
}

/** Trains seedNet (seed 2) for one epoch in Node on the given backend; returns its model file. */
function trainInNode(backend: WasmBackend): Uint8Array {
  const model = nn.seedNet({ seed: 2 });
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const { train } = mnistDataset();
  const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 2 });
  for (const batch of loader.epoch(0)) {
    backend.runStep(model.parameters(), () => {
      const loss = crossEntropy(model.forward(batch.images), batch.labels);
      loss.backward();
      optimizer.step();
      return loss.item();
    });
    optimizer.zeroGrad();
  }
  return encodeModelFile({ preset: 'seed-net', options: { seed: 2 } }, model);
}

/** Seconds from navigation until Train is enabled, per page opened (the last one last). */
const readySeconds: number[] = [];
/** Train must be ready this soon: the digits load in the background. */
const READY_LIMIT_S = 2;

/**
 * Opens the page, forwarding its errors, and waits until the worker has started (Train enabled,
 * timed into readySeconds) and then until the digits have loaded.
 */
async function open(
  browser: Browser,
  url: string,
  viewport = { width: 1400, height: 1000 },
): Promise<Page> {
  const page = await newPage(browser, viewport);
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector('#train-button:not([disabled]), #error:not([hidden])', {
    timeout: 60_000,
  });
  readySeconds.push((Date.now() - started) / 1000);
  await page.waitForSelector('body[data-data="loaded"], #error:not([hidden])', { timeout: 60_000 });
  const error = page.locator('#error');
  assert.equal(
    await error.isHidden(),
    true,
    `the page shows an error: ${await error.textContent()}`,
  );
  return page;
}

/** The page's list of classes with their probabilities (full precision, from data attributes). */
async function listedProbabilities(page: Page, list: string): Promise<ClassProbability[]> {
  return page.locator(`${list} li`).evaluateAll((items) =>
    items.map((item) => ({
      classIndex: Number(item.getAttribute('data-class')),
      probability: Number(item.getAttribute('data-probability')),
    })),
  );
}

async function trainUntil(page: Page, accuracy: number, timeout: number): Promise<number> {
  const started = Date.now();
  await page.click('#train-button');
  await page.waitForFunction(
    (target) => Number(document.getElementById('stat-test-accuracy')?.dataset.value) > target,
    accuracy,
    { timeout, polling: 250 },
  );
  return (Date.now() - started) / 1000;
}

async function pause(page: Page): Promise<void> {
  await page.click('#pause-button');
  await page.waitForSelector('body[data-training="false"]');
}

async function throughput(page: Page): Promise<number> {
  return Number(await page.getAttribute('#stat-throughput', 'data-average'));
}

async function drawnDigitTop(page: Page): Promise<ClassProbability[]> {
  await page.waitForSelector('#draw-predictions[data-pending="false"] li');
  return listedProbabilities(page, '#draw-predictions');
}

/** Shows test digit i and waits for the worker's answer for the given model. */
async function inspectTestDigit(page: Page, i: number, modelId: string): Promise<void> {
  await page.fill('#test-index', String(i));
  await page.dispatchEvent('#test-index', 'change');
  await page.waitForSelector(
    `#inspect-panel[data-test-index="${i}"][data-model-id="${modelId}"] #test-predictions li`,
  );
}

function formatComparison(page: ClassProbability[], node: Float32Array): string {
  return page
    .map(
      ({ classIndex, probability }) =>
        `${classIndex}: page ${probability}, node ${node[classIndex]}`,
    )
    .join('; ');
}

/**
 * Checks that the page's probabilities for test digit i are Node's, within the tolerance;
 * returns the largest difference.
 */
function assertSamePrediction(listed: ClassProbability[], node: Float32Array, i: number): number {
  assert.equal(listed.length, node.length, `test digit ${i}: page lists ${listed.length} classes`);
  const nodeTop = node.indexOf(Math.max(...node));
  assert.equal(listed[0].classIndex, nodeTop, `test digit ${i}: top-1 differs`);
  const worst = Math.max(...listed.map((l) => Math.abs(l.probability - node[l.classIndex])));
  assert.ok(
    worst <= PROBABILITY_TOLERANCE,
    `test digit ${i}: probabilities differ by ${worst} (> ${PROBABILITY_TOLERANCE}): ${formatComparison(listed, node)}`,
  );
  return worst;
}

describe('playground in Chromium', { skip: skipReason ?? false }, () => {
  // One backend for the whole run: Node's predictions use it after training.
  let backend: WasmBackend;
  let workDir = '';
  let outDir = '';
  let browser: Browser;
  let isolatedServer: Served;
  let page: Page;
  let nodeModelPath = '';
  let nodeModel: nn.Layer;
  let test: data.InMemoryDataset;
  const figures: string[] = [];

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'convnet-playground-'));
    outDir = join(workDir, 'dist');
    const started = Date.now();
    backend = await createWasmBackend();
    setBackend(backend);
    const bytes = trainInNode(backend);
    nodeModelPath = join(workDir, NODE_MODEL_FILE);
    writeFileSync(nodeModelPath, bytes);
    nodeModel = modelFromFile(bytes, { source: nodeModelPath }).model;
    test = mnistDataset().test;
    console.log(`trained seedNet for one epoch in Node in ${(Date.now() - started) / 1000} s`);
    await buildPlayground(outDir);
    isolatedServer = await serve(outDir, true);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await isolatedServer?.server.close();
    backend?.dispose();
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
    if (figures.length > 0) console.log(`playground throughput: ${figures.join('; ')}`);
  });

  it('is cross-origin isolated and trains on every core', async () => {
    page = await open(browser, isolatedServer.url);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const description = (await page.textContent('#backend')) ?? '';
    console.log(`page backend (COOP/COEP): ${description}, ${cores} cores`);
    assert.match(description, /^wasm (relaxed-simd|simd), \d+ threads? \(shared memory\)$/);
    assert.equal(await page.getAttribute('#backend', 'data-shared-memory'), 'true');
    assert.equal(Number(await page.getAttribute('#backend', 'data-threads')), cores);
    const ready = readySeconds[readySeconds.length - 1];
    console.log(`Train enabled ${ready.toFixed(2)} s after navigation (the digits load after)`);
    assert.ok(ready < READY_LIMIT_S, `Train was ready after ${ready} s (limit ${READY_LIMIT_S} s)`);
  });

  it("draws the model's architecture", async () => {
    await page.waitForSelector('#architecture svg g.box');
    const boxes = await page.$$eval('#architecture svg g.box', (groups) =>
      groups.map((g) => `${g.getAttribute('data-op')} ${g.getAttribute('data-shape')}`),
    );
    assert.deepEqual(boxes, [
      'Input 1x28x28',
      'Conv2d 32x28x28',
      'MaxPool2d 32x14x14',
      'Conv2d 64x14x14',
      'MaxPool2d 64x7x7',
      'Flatten 3136',
      'Linear 128',
      'Linear 10',
    ]);
  });

  it('fits a 390 px wide screen without horizontal scrolling', async () => {
    const narrow = await open(browser, isolatedServer.url, { width: 390, height: 844 });
    await narrow.waitForSelector('#inspect-panel[data-model-id="0"] #layers figure');
    const widths = await narrow.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    assert.ok(
      widths.page <= widths.viewport,
      `the page is ${widths.page} px wide in a ${widths.viewport} px screen`,
    );
    await narrow.close();
  });

  it('passes 90% test accuracy', { timeout: 240_000 }, async () => {
    const seconds = await trainUntil(page, 0.9, 200_000);
    const accuracy = Number(await page.getAttribute('#stat-test-accuracy', 'data-value'));
    await pause(page);
    const imagesPerSecond = await throughput(page);
    const description = await page.textContent('#backend');
    figures.push(`${description}: ${Math.round(imagesPerSecond)} images/s`);
    console.log(
      `test accuracy ${(accuracy * 100).toFixed(2)}% after ${seconds.toFixed(1)} s, ${Math.round(imagesPerSecond)} images/s`,
    );
    assert.ok(accuracy > 0.9);
  });

  it('recognises a 7 and a 1 drawn with the mouse', async () => {
    await drawStroke(page, [
      [0.28, 0.22],
      [0.72, 0.22],
      [0.45, 0.82],
    ]);
    const seven = await drawnDigitTop(page);
    console.log(
      `drawn 7: top-3 ${seven.map((c) => `${c.classIndex} ${c.probability.toFixed(3)}`).join(', ')}`,
    );
    assert.equal(seven.length, 3);
    assert.equal(seven[0].classIndex, 7);

    await page.click('#draw-clear');
    await drawStroke(page, [
      [0.53, 0.18],
      [0.47, 0.84],
    ]);
    const one = await drawnDigitTop(page);
    console.log(
      `drawn 1: top-3 ${one.map((c) => `${c.classIndex} ${c.probability.toFixed(3)}`).join(', ')}`,
    );
    assert.equal(one[0].classIndex, 1);
    await page.click('#draw-clear');
    await drawStroke(page, [
      [0.28, 0.22],
      [0.72, 0.22],
      [0.45, 0.82],
    ]);
    await drawnDigitTop(page);
    await inspectTestDigit(page, 1, '0');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`screenshot: ${SCREENSHOT}`);
  });

  it('saves a model file that Node reads and that predicts in Node as on the page', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#save-button'),
    ]);
    const path = await download.path();
    const bytes = new Uint8Array(readFileSync(path));
    const { spec, tensors } = decodeModelFile(bytes, { source: download.suggestedFilename() });
    assert.equal(spec.name, 'seed-net');
    assert.equal(spec.seed, 1);
    assert.ok(tensors.has('features.0.weight'));
    const { model } = modelFromFile(bytes);
    await inspectTestDigit(page, 2, '0');
    assertSamePrediction(
      await listedProbabilities(page, '#test-predictions'),
      nodeProbabilities(model, test, 2),
      2,
    );
  });

  it('opens a model file of any graph and draws its nodes, skip and feature maps', async () => {
    const graph = JSON.parse(
      readFileSync(new URL('../../examples/graphs/residual-net.json', import.meta.url), 'utf8'),
    );
    const model = nn.Graph.fromSpec(graph, { seed: 3 });
    const file = join(workDir, 'residual-net.safetensors');
    writeFileSync(file, encodeModelFile({ name: 'residual-net', graph, seed: 3 }, model));
    await page.setInputFiles('#load-input', file);
    await page.waitForSelector('#model-status[data-description="residual-net.safetensors"]');
    await page.waitForSelector('#architecture svg g.edge.skip');
    const boxes = await page.$$eval('#architecture svg g.box', (groups) =>
      groups.map((g) => g.getAttribute('data-name')),
    );
    assert.ok(boxes.includes('block.add'), `boxes: ${boxes.join(', ')}`);
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('#layers figcaption')).some((c) =>
        (c.textContent ?? '').startsWith('block.add Add 16×28×28'),
      ),
    );
  });

  it('loads a model trained in Node and predicts what Node predicts', async () => {
    // A file that is not a model: a message that says what to open instead.
    await page.setInputFiles('#load-input', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not a model'),
    });
    await page.waitForSelector('#error:not([hidden])');
    assert.match(
      (await page.textContent('#error')) ?? '',
      /^notes\.txt is not a model file the playground can open\. Open a \.safetensors file/,
    );
    await page.setInputFiles('#load-input', nodeModelPath);
    await page.waitForSelector(`#model-status[data-description="${NODE_MODEL_FILE}"]`);
    assert.equal(await page.locator('#error').isHidden(), true);
    await page.waitForSelector('#stat-test-accuracy[data-value]');
    const accuracy = (await page.textContent('#stat-test-accuracy')) ?? '';
    assert.doesNotMatch(accuracy, /step 0/, `a loaded model shows: ${accuracy}`);
    const modelId = (await page.getAttribute('#model-status', 'data-model-id')) ?? '';
    assert.notEqual(modelId, '0');
    let worst = 0;
    for (const i of COMPARED_DIGITS) {
      await inspectTestDigit(page, i, modelId);
      assert.equal(Number(await page.getAttribute('#test-label', 'data-label')), test.labels[i]);
      const difference = assertSamePrediction(
        await listedProbabilities(page, '#test-predictions'),
        nodeProbabilities(nodeModel, test, i),
        i,
      );
      worst = Math.max(worst, difference);
    }
    console.log(
      `Node-trained model on test digits ${COMPARED_DIGITS.join(', ')}: same top-1, probabilities within ${worst} of Node's`,
    );
    await page.close();
  });

  it('runs on one thread without COOP/COEP', { timeout: 180_000 }, async () => {
    const plain = await serve(outDir, false);
    try {
      const single = await open(browser, plain.url);
      assert.equal(await single.evaluate(() => crossOriginIsolated), false);
      const description = (await single.textContent('#backend')) ?? '';
      console.log(`page backend (no COOP/COEP): ${description}`);
      assert.match(description, /^wasm (relaxed-simd|simd), 1 thread \(no shared memory\)$/);
      await single.click('#train-button');
      // Long enough for a steady figure: 100 steps of 64 images.
      await single.waitForFunction(
        () => Number(document.getElementById('stat-throughput')?.dataset.images) >= 6400,
        null,
        { timeout: 150_000, polling: 250 },
      );
      await pause(single);
      const imagesPerSecond = await throughput(single);
      figures.push(`${description}: ${Math.round(imagesPerSecond)} images/s`);
      await single.close();
    } finally {
      await plain.server.close();
    }
  });
});
