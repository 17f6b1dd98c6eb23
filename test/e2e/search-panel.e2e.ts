/**
 * End-to-end test of the playground's similar-digits panel (web/src/panels/search-panel.ts), in
 * Debian's Chromium driven by playwright-core: `node --import tsx --test
 * test/e2e/search-panel.e2e.ts` (also run by `npm run test:e2e`).
 *
 * In Node it trains a small embedding model (embeddingNet, 32-d, ArcFace, one epoch over 2,000
 * training digits) and computes the test split's embeddings and exact top-k with the library
 * (apps.search.embedDataset, normalizeRows, topK). On the page it checks that:
 *
 * 1. nothing is embedded before the panel is used;
 * 2. with that model opened in the panel, a test digit picked by index shows the k neighbours
 *    Node finds (same indices, same order, similarities within 1e-4), the query left out, each
 *    framed by whether its label matches the query's, and the gallery's P@1 and MAP@R close to
 *    Node's;
 * 3. a digit drawn with the mouse gets k neighbours, best first, unframed;
 * 4. a classifier file (an untrained seed net) is searched by its hidden layer, again as Node's
 *    exact top-k finds; a file that is not a model gets a message in the panel, and the page
 *    goes on;
 * 5. with the page's model chosen, the gallery comes from it, and after training in the page it
 *    comes from the trained weights (the step the page shows).
 *
 * It writes a screenshot of the panel to test/e2e/artifacts/search-panel.png. Without Chromium
 * it skips, saying so (with CI=true it fails).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  apps,
  createWasmBackend,
  data,
  io,
  nn,
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
  waitForFilledPanels,
} from './harness.js';

const { channelStats, mnistDataset } = data;
const { EMBEDDING_NET, defaultLoss, embedDataset, embeddingNet, evaluateRetrieval } = apps.search;
const { hiddenLayerOf, normalizeRows, orderedView, topK, trainEmbedding } = apps.search;

const SCREENSHOT = join(ARTIFACTS, 'search-panel.png');
const MODEL_FILE = 'model.safetensors';
const CLASSIFIER_FILE = 'classifier.safetensors';
/** Training digits the Node model learns from (the first ones), to keep `before` short. */
const TRAIN_IMAGES = 2000;
const SIMILARITY_TOLERANCE = 1e-4;
/** Test digits picked by index, compared with Node. */
const QUERIES = [0, 7, 421, 1999];

const skipReason = chromiumMissing('search panel');

interface ShownNeighbour {
  index: number;
  label: number;
  similarity: number;
  match: string;
  className: string;
}

/** The k nearest test digits to test digit i in Node, leaving i out (exact top-(k+1)). */
function nodeNeighbours(gallery: apps.search.Vectors, i: number, k: number) {
  const { dim } = gallery;
  const query = { data: gallery.data.slice(i * dim, (i + 1) * dim), count: 1, dim };
  const { indices, scores } = topK(query, gallery, k + 1);
  const found = [...indices].map((index, j) => ({ index, similarity: scores[j] }));
  return found.filter(({ index }) => index !== i).slice(0, k);
}

async function shownNeighbours(page: Page): Promise<ShownNeighbour[]> {
  return page.locator('#search-results li').evaluateAll((items) =>
    items.map((item) => ({
      index: Number(item.getAttribute('data-index')),
      label: Number(item.getAttribute('data-label')),
      similarity: Number(item.getAttribute('data-similarity')),
      match: item.getAttribute('data-match') ?? '',
      className: item.className,
    })),
  );
}

/** Waits until the panel has answered the query ('test:i' or 'drawing') and nothing is pending. */
async function answered(page: Page, query: string, timeout = 60_000): Promise<void> {
  await page.waitForSelector(
    `#search-panel[data-query="${query}"][data-pending="false"], #search-error:not([hidden])`,
    { timeout },
  );
  const error = page.locator('#search-error');
  assert.equal(await error.isHidden(), true, `the panel shows: ${await error.textContent()}`);
}

/** Picks test digit i and checks the k neighbours shown against Node's, with their frames. */
async function checkTestDigit(
  page: Page,
  gallery: apps.search.Vectors,
  labels: Int32Array,
  i: number,
  k: number,
): Promise<void> {
  await pickTestDigit(page, i);
  const shown = await shownNeighbours(page);
  const want = nodeNeighbours(gallery, i, k);
  assert.deepEqual(
    shown.map((s) => s.index),
    want.map((w) => w.index),
    `test digit ${i}, k = ${k}: the page's neighbours against Node's`,
  );
  for (const [j, s] of shown.entries()) {
    const diff = Math.abs(s.similarity - want[j].similarity);
    assert.ok(
      diff <= SIMILARITY_TOLERANCE,
      `test digit ${i}, neighbour ${j} (#${s.index}): similarity ${s.similarity} on the page, ${want[j].similarity} in Node`,
    );
    assert.equal(s.label, labels[s.index], `neighbour #${s.index}'s label`);
    const matches = labels[s.index] === labels[i];
    assert.equal(s.match, String(matches), `neighbour #${s.index}'s frame`);
    assert.equal(s.className, matches ? 'match' : 'mismatch');
  }
  const caption = (await page.textContent('#search-query-caption')) ?? '';
  assert.equal(caption, `test digit ${i}, label ${labels[i]}`);
}

async function pickTestDigit(page: Page, i: number): Promise<void> {
  await page.fill('#search-index', String(i));
  await page.click('#search-test-button');
  await answered(page, `test:${i}`);
}

describe('playground: similar-digits panel (Chromium)', { skip: skipReason ?? false }, () => {
  let backend: WasmBackend | undefined;
  let workDir = '';
  let browser: Browser;
  let served: Served;
  let page: Page;
  let modelPath = '';
  let test: data.InMemoryDataset;
  let gallery: apps.search.Vectors;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'convnet-search-panel-'));
    const outDir = join(workDir, 'dist');
    backend = await createWasmBackend();
    setBackend(backend);
    const started = Date.now();
    const split = mnistDataset();
    test = split.test;
    const loaded = Date.now();
    const normalize = channelStats(split.train);
    const model = embeddingNet({ seed: 5, dim: 32 });
    const first = Int32Array.from({ length: TRAIN_IMAGES }, (_, i) => i);
    const history = await trainEmbedding({
      model,
      train: orderedView(split.train, first),
      test,
      loss: defaultLoss('arcface'),
      epochs: 1,
      batchSize: 64,
      lr: 3e-3,
      seed: 5,
      normalize,
      evalImages: 200,
    });
    const bytes = io.encodeModelFile(
      {
        name: EMBEDDING_NET,
        task: 'embedding',
        seed: 5,
        classNames: [...split.train.classNames],
        normalize,
        dataset: 'mnist',
      },
      model,
    );
    const trained = Date.now();
    modelPath = join(workDir, MODEL_FILE);
    writeFileSync(modelPath, bytes);
    // The gallery as the page computes it, from the file as the page reads it.
    const { spec, model: reread } = io.modelFromFile(bytes, { source: modelPath });
    gallery = normalizeRows(await embedDataset(reread, test, { normalize: spec.normalize }));
    const s = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
    console.log(
      `Node: digits read in ${s(started, loaded)}, a 32-d embedding trained on ${TRAIN_IMAGES} of them in ${s(loaded, trained)} (MAP@R ${history[0].test.mapAtR.toFixed(3)} on 200 test digits), the test split embedded in ${s(trained, Date.now())}`,
    );
    await buildPlayground(outDir);
    served = await serve(outDir, true);
    browser = await launchChromium();
    page = await newPage(browser);
    await page.goto(served.url);
    await page.waitForSelector('body[data-data="loaded"]', { timeout: 60_000 });
    await waitForFilledPanels(page);
  });

  after(async () => {
    await browser?.close();
    await served?.server.close();
    backend?.dispose();
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });

  it('embeds nothing before the panel is used', async () => {
    assert.equal(await page.getAttribute('#search-gallery', 'data-source'), null);
    assert.equal(await page.getAttribute('#search-panel', 'data-query'), null);
  });

  it("finds Node's exact top-k for test digits, with a model file, framed by label", async () => {
    await page.setInputFiles('#search-load-input', modelPath);
    await answered(page, 'test:0');
    assert.equal(await page.getAttribute('#search-gallery', 'data-source'), 'file');
    assert.equal(await page.getAttribute('#search-gallery', 'data-model'), MODEL_FILE);
    assert.match(
      (await page.textContent('#search-gallery')) ?? '',
      /embedded by the model file model\.safetensors \(embedding 32-d, cosine/,
    );
    for (const [n, k] of [
      [QUERIES.length, 8],
      [1, 12],
    ]) {
      await page.selectOption('#search-k', String(k));
      for (const i of QUERIES.slice(0, n)) await checkTestDigit(page, gallery, test.labels, i, k);
    }
    const want = evaluateRetrieval(gallery, test.labels, gallery, test.labels, {
      ks: [1],
      sameSet: true,
    });
    const p1 = Number(await page.getAttribute('#search-gallery', 'data-precision-at1'));
    const map = Number(await page.getAttribute('#search-gallery', 'data-map-at-r'));
    console.log(
      `model file: P@1 ${p1.toFixed(4)} / MAP@R ${map.toFixed(4)} on the page, ${want.precisionAt1.toFixed(4)} / ${want.mapAtR.toFixed(4)} in Node; gallery embedded in ${await page.getAttribute('#search-gallery', 'data-embed-ms')} ms, a top-k search ${await page.getAttribute('#search-panel', 'data-search-ms')} ms`,
    );
    assert.ok(Math.abs(p1 - want.precisionAt1) <= 1e-3, `P@1 ${p1} against ${want.precisionAt1}`);
    assert.ok(Math.abs(map - want.mapAtR) <= 1e-3, `MAP@R ${map} against ${want.mapAtR}`);
  });

  it('shows the neighbours of a drawn digit, best first', async () => {
    await page.selectOption('#search-k', '8');
    // A 7: the top bar, then the stem.
    await drawStroke(
      page,
      [
        [0.25, 0.2],
        [0.75, 0.2],
        [0.45, 0.85],
      ],
      '#search-pad',
    );
    await answered(page, 'drawing');
    const shown = await shownNeighbours(page);
    assert.equal(shown.length, 8);
    for (let j = 1; j < shown.length; j++) {
      assert.ok(shown[j - 1].similarity >= shown[j].similarity, 'similarities best first');
    }
    for (const s of shown) {
      assert.equal(s.match, 'unknown', 'a drawing has no label to match');
      assert.equal(s.label, test.labels[s.index]);
    }
    assert.equal(await page.textContent('#search-query-caption'), 'your drawing');
    const sevens = shown.filter((s) => s.label === 7).length;
    console.log(`drawn 7: neighbours labelled ${shown.map((s) => s.label).join(' ')}`);
    assert.ok(sevens >= 4, `a drawn 7 should have mostly 7s among its 8 neighbours`);
  });

  it('searches a classifier file by its hidden layer; a file that is not a model is refused', async () => {
    const classifier = nn.seedNet({ seed: 2 });
    const bytes = io.encodeModelFile({ preset: 'seed-net', options: { seed: 2 } }, classifier);
    const { model } = io.modelFromFile(bytes);
    const hidden = normalizeRows(await embedDataset(hiddenLayerOf(model), test));
    const path = join(workDir, CLASSIFIER_FILE);
    writeFileSync(path, bytes);
    await page.setInputFiles('#search-load-input', path);
    await page.waitForSelector(`#search-gallery[data-model="${CLASSIFIER_FILE}"]`, {
      timeout: 60_000,
    });
    assert.match(
      (await page.textContent('#search-gallery')) ?? '',
      /embedded by the model file classifier\.safetensors \(hidden layer 128-d, cosine/,
    );
    for (const i of QUERIES.slice(0, 2)) await checkTestDigit(page, hidden, test.labels, i, 8);

    await page.setInputFiles('#search-load-input', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not a model'),
    });
    await page.waitForSelector('#search-error:not([hidden])', { timeout: 30_000 });
    assert.match((await page.textContent('#search-error')) ?? '', /notes\.txt/);
    assert.equal(await page.locator('#error').isHidden(), true, 'the page itself shows no error');
    assert.equal(await page.getAttribute('#search-gallery', 'data-model'), CLASSIFIER_FILE);
  });

  it("searches with the page's model, and with its weights after training in the page", async () => {
    await page.selectOption('#search-source', 'page');
    await page.waitForSelector('#search-gallery[data-source="page"]', { timeout: 60_000 });
    await pickTestDigit(page, 3);
    assert.equal(await page.getAttribute('#search-gallery', 'data-step'), '0');
    const before = (await page.textContent('#search-gallery')) ?? '';
    assert.match(
      before,
      /embedded by the page's model, seed-net \(seed 1\), at step 0 \(hidden layer 128-d, cosine/,
    );
    console.log(`before training in the page: ${before}`);
    await page.click('#train-button');
    await page.waitForFunction(
      () => Number(document.getElementById('stat-step')?.textContent) >= 20,
      null,
      {
        timeout: 60_000,
        polling: 100,
      },
    );
    await page.click('#pause-button');
    await page.waitForSelector('body[data-training="false"]', { timeout: 30_000 });
    const step = (await page.textContent('#stat-step')) ?? '';
    await page.waitForSelector(`#search-gallery[data-step="${step}"]`, { timeout: 60_000 });
    await answered(page, 'test:3');
    const text = (await page.textContent('#search-gallery')) ?? '';
    assert.match(
      text,
      new RegExp(`embedded by the page's model, seed-net \\(seed 1\\), at step ${step} `),
    );
    const shown = await shownNeighbours(page);
    assert.equal(shown.length, 8);
    console.log(`after ${step} steps in the page: ${text}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#search-panel').screenshot({ path: SCREENSHOT });
  });
});
