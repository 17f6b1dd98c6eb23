/**
 * End-to-end test of the playground's application panels (web/src/panels/): detection and
 * segmentation, in Debian's Chromium driven by playwright-core (`npm run test:e2e`, or this file
 * alone: `node --import tsx --test test/e2e/app-panels.e2e.ts`).
 *
 * Before: it trains a tiny detector and a tiny segmenter in Node (a few steps each: their
 * quality does not matter here, only that page and Node agree), saves them as the model files
 * `convnet train --task detection|segmentation` writes, and a classifier's file beside them.
 * Then, on the built page served with COOP/COEP, it checks that:
 *
 * 1. the panels' worker does not start with the page (Train in the classification panel is
 *    ready as before), and a classifier file opened in either panel is refused with a message
 *    that says what to open;
 * 2. digits written with the mouse on the detection pad get boxes, and those boxes are the ones
 *    Node's apps.detection.detectImage gives for the same model file on the exact model pixels
 *    the page sent (read back from the panel's data-input): same classes, boxes and scores
 *    within 1e-4;
 * 3. digits drawn on the segmentation pad get a coloured mask and a legend of the eleven
 *    classes, and the mask equals Node's apps.segmentation.segmentImage on the same pixels,
 *    pixel for pixel;
 * 4. "Train here" trains a detector and a segmenter in the page: the step count grows and the
 *    progress line shows steps, scenes and loss; Stop stops it; "Save model" downloads a model
 *    file of the right task that gives in Node what the page shows for the drawing; a model
 *    file opened while it trains stops the training.
 *
 * Screenshots: test/e2e/artifacts/app-panels-detection.png, app-panels-segmentation.png.
 * Without /usr/bin/chromium it skips, saying so; with CI=true it fails instead.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const BOX_TOLERANCE = 1e-4;
const DETECTION_SIZE: [number, number] = [96, 96];
const MASK_SIZE: [number, number] = [64, 84];

const skipReason = chromiumMissing('app panels');

type Point = [number, number];

/** An ellipse as a closed polyline, in fractions of the pad. */
function ellipse(cx: number, cy: number, rx: number, ry: number, points = 18): Point[] {
  return Array.from({ length: points + 1 }, (_, i): Point => {
    const t = (2 * Math.PI * i) / points;
    return [cx + rx * Math.sin(t), cy - ry * Math.cos(t)];
  });
}

/** The model pixels the page sent (8-bit levels as base64) as the page made them: level / 255. */
function pixelsFromBase64(text: string): Float32Array {
  const levels = new Uint8Array(Buffer.from(text, 'base64'));
  const pixels = new Float32Array(levels.length);
  for (let i = 0; i < levels.length; i++) pixels[i] = levels[i] / 255;
  return pixels;
}

/** Waits until the panel has answered the drawing it sent last; returns that input. */
async function answeredInput(page: Page, panel: string): Promise<Float32Array> {
  try {
    await page.waitForFunction(
      (selector) => {
        const section = document.querySelector<HTMLElement>(selector);
        const d = section?.dataset;
        return (
          d !== undefined &&
          d.pending === 'false' &&
          d.input !== undefined &&
          d.inputVersion === d.answerVersion
        );
      },
      panel,
      { timeout: 30_000, polling: 100 },
    );
  } catch (error) {
    const state = await page.$eval(panel, (section) => {
      const { input, ...rest } = (section as HTMLElement).dataset;
      const error = section.querySelector('.error');
      return { ...rest, input: input?.length, error: error?.textContent };
    });
    throw new Error(`${panel} did not answer its drawing: ${JSON.stringify(state)}`, {
      cause: error,
    });
  }
  const input = await page.getAttribute(panel, 'data-input');
  assert.ok(input !== null, `${panel} has no data-input`);
  return pixelsFromBase64(input);
}

interface PageDetection {
  box: Record<'x1' | 'y1' | 'x2' | 'y2', number>;
  label: number;
  score: number;
}

/**
 * The detection panel's boxes (data-detections) against Node's detectImage with the same model
 * on the same pixels and settings: same count and classes, boxes and scores within tolerance.
 */
async function assertSameDetections(
  page: Page,
  pixels: Float32Array,
  model: nn.Graph,
): Promise<PageDetection[]> {
  const list = '#detection-list';
  const onPage = JSON.parse(
    (await page.getAttribute(list, 'data-detections')) ?? '[]',
  ) as PageDetection[];
  const scoreThreshold = Number(await page.getAttribute(list, 'data-score-threshold'));
  const topK = Number(await page.getAttribute(list, 'data-top-k'));
  assert.equal(scoreThreshold, 0.05);
  const node = apps.detection.detectImage(model, pixels, DETECTION_SIZE, {
    stride: apps.detection.DETECTOR_STRIDE,
    scoreThreshold,
    topK,
  });
  assert.equal(await page.locator(`${list} li`).count(), onPage.length);
  assert.equal(onPage.length, node.length, 'the page and Node find different numbers of boxes');
  let worst = 0;
  onPage.forEach((d, i) => {
    assert.equal(d.label, node[i].label, `box ${i}: class`);
    for (const k of ['x1', 'y1', 'x2', 'y2'] as const) {
      worst = Math.max(worst, Math.abs(d.box[k] - node[i].box[k]));
    }
    worst = Math.max(worst, Math.abs(d.score - node[i].score));
  });
  console.log(`detection: ${onPage.length} boxes, page vs Node within ${worst}`);
  assert.ok(worst <= BOX_TOLERANCE, `boxes or scores differ by ${worst}`);
  return onPage;
}

/** The segmentation panel's mask (data-mask) against Node's segmentImage: pixel for pixel. */
async function assertSameMask(
  page: Page,
  pixels: Float32Array,
  model: nn.Graph,
  stride: number,
): Promise<Uint8Array> {
  const mask = new Uint8Array(
    Buffer.from((await page.getAttribute('#segmentation-legend', 'data-mask')) ?? '', 'base64'),
  );
  const node = apps.segmentation.segmentImage(model, pixels, [1, ...MASK_SIZE], { stride });
  assert.equal(mask.length, node.mask.length);
  const differing = mask.filter((k, i) => k !== node.mask[i]).length;
  assert.equal(differing, 0, `${differing} pixels of the mask differ from Node's`);
  return mask;
}

async function openModel(page: Page, app: string, file: string, description: string) {
  await page.setInputFiles(`#${app}-open`, file);
  await page.waitForSelector(
    `#${app}-panel[data-model="file"] #${app}-status[data-description="${description}"]`,
  );
}

describe('playground application panels in Chromium', { skip: skipReason ?? false }, () => {
  let backend: WasmBackend;
  let workDir = '';
  let served: Served;
  let browser: Browser;
  let page: Page;
  const files = { detector: '', segmenter: '', classifier: '' };
  let detector: nn.Graph;
  let segmenter: nn.Graph;
  let segmenterStride = 1;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'convnet-app-panels-'));
    backend = await createWasmBackend();
    setBackend(backend);
    const { train, test } = data.mnistDataset();
    let started = Date.now();
    // A detector of width 8, 40 steps of 16 scenes (enough for boxes of some size); a
    // U-Net-lite of base 4, 2 steps of 8 scenes.
    const detectorModel = apps.detection.digitDetector({ width: 8, seed: 3 });
    await apps.detection.trainDetector({
      model: detectorModel,
      train: apps.detection.sceneArraySource(apps.detection.makeScenes(train, 640, { seed: 0 })),
      numClasses: 10,
      epochs: 1,
      batchSize: 16,
      lr: 5e-3,
      stepRunner: backend,
    });
    files.detector = await apps.detection.saveDetector(join(workDir, 'detector'), detectorModel, {
      classNames: apps.detection.DIGIT_SCENES_CLASS_NAMES,
      seed: 3,
      dataset: 'digit-scenes',
    });
    const detectorSeconds = (Date.now() - started) / 1000;
    started = Date.now();
    const segmenterModel = apps.segmentation.unetLite({
      base: 4,
      depth: 3,
      seed: 3,
      imageSize: [64, 88],
    });
    const run = await apps.segmentation.trainSegmentation({
      model: segmenterModel,
      train: apps.segmentation.generateDigitMasks(train, { count: 16, seed: 0 }),
      test: apps.segmentation.generateDigitMasks(test, { count: 2, seed: 1 }),
      epochs: 1,
      batchSize: 8,
      loss: 'ce+dice',
      stride: 8,
      out: join(workDir, 'segmenter'),
      dataset: 'digit-masks',
      stepRunner: backend,
    });
    assert.ok(run.modelFile !== null);
    files.segmenter = run.modelFile;
    console.log(
      `trained in Node: detector ${detectorSeconds.toFixed(1)} s, segmenter ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    files.classifier = join(workDir, 'digits.safetensors');
    writeFileSync(
      files.classifier,
      io.encodeModelFile({ preset: 'seed-net', options: { seed: 1 } }, nn.seedNet({ seed: 1 })),
    );
    // The models as Node reads the files the page opens.
    detector = io.modelFromFile(readFileSync(files.detector)).model;
    const loaded = io.modelFromFile(readFileSync(files.segmenter));
    segmenter = loaded.model;
    segmenterStride = apps.segmentation.segmenterStride(loaded.spec.graph);

    const outDir = join(workDir, 'dist');
    await buildPlayground(outDir);
    served = await serve(outDir, true);
    browser = await launchChromium();
    page = await newPage(browser);
  });

  after(async () => {
    await browser?.close();
    await served?.server.close();
    backend?.dispose();
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });

  it('starts its worker only when a panel is used, and refuses a classifier file', async () => {
    const started = Date.now();
    await page.goto(served.url);
    await page.waitForSelector('#train-button:not([disabled])', { timeout: 60_000 });
    console.log(`classification Train enabled after ${(Date.now() - started) / 1000} s`);
    await waitForFilledPanels(page);
    const workers = () =>
      page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((entry) => entry.name)
          .filter((name) => name.includes('apps-worker')),
      );
    assert.deepEqual(await workers(), [], 'the panels’ worker started with the page');
    assert.equal(await page.getAttribute('#detection-panel', 'data-model'), 'none');

    for (const [app, noun] of [
      ['detection', 'detector'],
      ['segmentation', 'segmenter'],
    ] as const) {
      await page.setInputFiles(`#${app}-open`, files.classifier);
      await page.waitForSelector(`#${app}-error:not([hidden])`, { timeout: 30_000 });
      const message = (await page.textContent(`#${app}-error`)) ?? '';
      assert.match(
        message,
        new RegExp(
          `^digits\\.safetensors holds a classification model \\(seed-net\\), not a ${noun}: open the model\\.safetensors that \`convnet train --task ${app} --out DIR\` writes`,
        ),
      );
      assert.equal(await page.getAttribute(`#${app}-panel`, 'data-model'), 'none');
    }
  });

  it('boxes digits written with the mouse, as Node does on the same pixels', async () => {
    await openModel(page, 'detection', files.detector, 'model.safetensors');
    assert.equal(await page.locator('#detection-error').isHidden(), true);
    // The tiny detector scores little above its prior (0.1): a low threshold shows its boxes.
    await page.fill('#detection-score', '0.05');
    await page.dispatchEvent('#detection-score', 'change');
    const pad = '#detection-pad';
    await drawStroke(
      page,
      [
        [0.2, 0.12],
        [0.18, 0.42],
      ],
      pad,
    );
    await drawStroke(
      page,
      [
        [0.5, 0.14],
        [0.78, 0.14],
        [0.62, 0.44],
      ],
      pad,
    );
    await drawStroke(page, ellipse(0.45, 0.72, 0.1, 0.15), pad);
    const pixels = await answeredInput(page, '#detection-panel');
    assert.equal(pixels.length, DETECTION_SIZE[0] * DETECTION_SIZE[1]);
    const ink = pixels.filter((v) => v > 0.5).length;
    assert.ok(Math.max(...pixels) === 1, 'the strokes are white at their centre');
    assert.ok(ink > 100 && ink < 1500, `${ink} ink pixels: strokes far from MNIST's width`);

    const boxes = await assertSameDetections(page, pixels, detector);
    assert.ok(boxes.length > 0, 'no boxes on the page');
    assert.ok(
      boxes.some((d) => d.box.x2 > d.box.x1 && d.box.y2 > d.box.y1),
      'every box on the page is empty',
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#detection-panel').screenshot({
      path: join(ARTIFACTS, 'app-panels-detection.png'),
    });
  });

  it('colours the pixels of drawn digits by class, as Node does on the same pixels', async () => {
    await openModel(page, 'segmentation', files.segmenter, 'model.safetensors');
    const pad = '#segmentation-pad';
    await drawStroke(
      page,
      [
        [0.22, 0.22],
        [0.2, 0.78],
      ],
      pad,
    );
    await drawStroke(
      page,
      [
        [0.45, 0.24],
        [0.7, 0.24],
        [0.55, 0.78],
      ],
      pad,
    );
    const pixels = await answeredInput(page, '#segmentation-panel');
    assert.equal(pixels.length, MASK_SIZE[0] * MASK_SIZE[1]);
    const legend = '#segmentation-legend';
    const mask = await assertSameMask(page, pixels, segmenter, segmenterStride);
    const coloured = mask.filter((k) => k !== 0).length;
    console.log(`segmentation: ${coloured} of ${mask.length} pixels given a digit class`);
    assert.ok(coloured > 0, 'no pixel is coloured');
    const names = await page.locator(`${legend} li`).allTextContents();
    assert.equal(names.length, 11);
    assert.match(names[0], /^background/);
    // The legend counts every class's pixels: those of the mask.
    const counts = await page
      .locator(`${legend} li`)
      .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-pixels'))));
    const expected = Array.from({ length: 11 }, (_, k) => mask.filter((m) => m === k).length);
    assert.deepEqual(counts, expected);
    assert.equal(
      await page.locator(`${legend} li.present`).count(),
      expected.filter((n) => n > 0).length,
    );
    await page.locator('#segmentation-panel').screenshot({
      path: join(ARTIFACTS, 'app-panels-segmentation.png'),
    });
  });

  it('trains a detector and a segmenter in the page with "Train here", and saves them', async () => {
    for (const app of ['detection', 'segmentation']) {
      const started = Date.now();
      await page.click(`#${app}-train`);
      await page.waitForFunction(
        (panel) => Number(document.getElementById(panel)?.dataset.step ?? 0) >= 2,
        `${app}-panel`,
        { timeout: 90_000, polling: 200 },
      );
      await page.click(`#${app}-stop`);
      await page.waitForSelector(`#${app}-panel[data-training="false"]`);
      const progress = (await page.textContent(`#${app}-progress`)) ?? '';
      const description = (await page.getAttribute(`#${app}-status`, 'data-description')) ?? '';
      console.log(`${app} trained here: ${progress} (${(Date.now() - started) / 1000} s)`);
      assert.match(progress, /^step \d+ · [\d,]+ scenes · loss \d+\.\d{4}.* · stopped$/);
      assert.match(description, /trained here/);
      assert.equal(await page.getAttribute(`#${app}-panel`, 'data-model'), 'here');
      assert.equal(await page.locator(`#${app}-error`).isHidden(), true);

      // Saved, it is a model file of its task that gives in Node what the page shows (the
      // drawing was answered again with the weights of the last step before Stop).
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`#${app}-save`),
      ]);
      const bytes = new Uint8Array(readFileSync(await download.path()));
      const saved = io.modelFromFile(bytes, { source: download.suggestedFilename() });
      assert.equal(saved.spec.task, app);
      const pixels = await answeredInput(page, `#${app}-panel`);
      if (app === 'detection') {
        apps.detection.detectorLayout(saved.spec, saved.model, download.suggestedFilename());
        await assertSameDetections(page, pixels, saved.model);
      } else {
        const stride = apps.segmentation.segmenterStride(saved.spec.graph);
        assert.equal(
          stride,
          apps.segmentation.unetLiteStride(apps.segmentation.DIGIT_MASKS_RECIPE.depth),
        );
        await assertSameMask(page, pixels, saved.model, stride);
      }
    }
  });

  it('stops training here when a model file is opened meanwhile', async () => {
    const before = Number(await page.getAttribute('#detection-panel', 'data-step'));
    await page.click('#detection-train'); // Resume
    await page.waitForFunction(
      (steps) => Number(document.getElementById('detection-panel')?.dataset.step) > steps,
      before,
      { timeout: 60_000, polling: 200 },
    );
    await openModel(page, 'detection', files.detector, 'model.safetensors');
    await page.waitForSelector('#detection-panel[data-training="false"]');
    assert.equal(await page.isEnabled('#detection-train'), true);
    assert.equal(await page.textContent('#detection-train'), 'Train here');
    await answeredInput(page, '#detection-panel');
  });
});
