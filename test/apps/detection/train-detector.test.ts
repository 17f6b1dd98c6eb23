/**
 * Training a detector, its model file and its report, and the CLI's detection branches. Kept
 * small (32x32 scenes and width 8 for the library; 8 training scenes for the CLI, run
 * in-process through createProgram) so the file takes seconds.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { grayToPng } from '../../../src/apps/detection/coco-folder.js';
import { examplesRaster } from '../../../src/apps/detection/detection-report.js';
import { detectorLayout } from '../../../src/apps/detection/detector-layout.js';
import { loadDetector, saveDetector } from '../../../src/apps/detection/detector-model.js';
import { digitDetector } from '../../../src/apps/detection/digit-detector.js';
import { makeScenes } from '../../../src/apps/detection/digit-scenes.js';
import { evaluateDetector } from '../../../src/apps/detection/evaluate-detector.js';
import { sceneArraySource, trainDetector } from '../../../src/apps/detection/train-detector.js';
import { createProgram } from '../../../src/cli/program.js';
import { mnistDataset } from '../../../src/data/load-mnist-digits.js';
import { gatherBatch } from '../../../src/data/mnist-digits.js';
import { encodeModelFile } from '../../../src/io/model-file.js';
import { completeModelSpec } from '../../../src/io/model-spec.js';
import { referenceBackend, setBackend } from '../../../src/kernels/backend.js';
import { buildPreset } from '../../../src/nn/preset-table.js';
import { Tensor } from '../../../src/tensor.js';
import type { ProgressReporter } from '../../../src/train/progress.js';
import { loadTrainedModel, requireClassifier } from '../../../src/train/trained-model.js';
import { decodePng } from '../../../src/viz/png.js';

const work = mkdtempSync(join(tmpdir(), 'convnet-detect-'));
after(() => rmSync(work, { recursive: true, force: true }));
const digits = gatherBatch(
  mnistDataset().train,
  Array.from({ length: 100 }, (_, i) => i),
);
const sceneOptions = { size: 32, minDigits: 1, maxDigits: 2, minDigitSize: 12, maxDigitSize: 16 };
const CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

describe('trainDetector', () => {
  it('lowers the loss of a tiny detector, reports named metrics, and the model file reloads exactly', async () => {
    const scenes = makeScenes(digits, 16, sceneOptions);
    const model = digitDetector({ imageSize: 32, width: 8, seed: 1 });
    const bars: string[][] = [];
    const reporter: ProgressReporter = {
      message: () => undefined,
      epochStart: () => undefined,
      batch: (b) => bars.push((b.metrics ?? []).map((m) => m.name)),
      epochEnd: () => undefined,
      close: () => undefined,
    };
    const history = await trainDetector({
      model,
      train: sceneArraySource(scenes),
      numClasses: 10,
      epochs: 4,
      batchSize: 8,
      lr: 3e-3,
      warmup: 0.25,
      reporter,
    });
    assert.equal(history.length, 4);
    assert.ok(
      history[3].loss < history[0].loss * 0.8,
      `loss ${history[0].loss} -> ${history[3].loss}`,
    );
    assert.deepEqual(bars[0], ['heatmap', 'size', 'offset', 'lr']);
    // Warm-up: the first step's lr is 0 by design, the epoch's last is not.
    assert.equal(history[0].lrFirst, 0);
    assert.ok(history[0].lrLast > 0 && history[1].lrFirst > 0);
    const { metrics, detections } = evaluateDetector(model, scenes, 10, { batchSize: 8 });
    assert.equal(detections.length, 16);
    assert.ok(metrics.ap50 >= 0 && metrics.ap50 <= 1);

    const dir = join(work, 'det');
    const file = await saveDetector(dir, model, {
      classNames: CLASS_NAMES,
      seed: 1,
      dataset: 'digit-scenes',
    });
    assert.equal(file, join(dir, 'model.safetensors'));
    const { model: back, spec, layout } = await loadDetector(dir);
    assert.equal(spec.task, 'detection');
    assert.equal(spec.name, 'digit-detector');
    assert.deepEqual(layout, { classNames: CLASS_NAMES, stride: 4, imageSize: [32, 32] });
    const x = Tensor.from(scenes[0].pixels, [1, 1, 32, 32]);
    model.eval();
    const a = model.run(x);
    const b = back.run(x);
    for (const name of ['heatmap', 'size', 'offset'])
      assert.deepEqual(b.get(name)?.data, a.get(name)?.data);
    // Fully convolutional: another size runs.
    assert.deepEqual(back.run(Tensor.zeros([1, 1, 40, 64])).get('heatmap')?.shape, [1, 10, 10, 16]);

    // The classification commands refuse it, pointing to convnet detect.
    const trained = await loadTrainedModel(dir);
    assert.throws(
      () => requireClassifier(trained, 'predict'),
      /holds a detection model \(digit-detector\), not a classifier: convnet predict classifies images; use convnet detect/,
    );

    const raster = examplesRaster(scenes.slice(0, 3), detections.slice(0, 3), CLASS_NAMES, {
      columns: 2,
      scale: 2,
      gap: 4,
    });
    assert.deepEqual([raster.width, raster.height], [2 * 64 + 3 * 4, 2 * 64 + 3 * 4]);
  });

  it('refuses a classifier as a detector, and a detector spec whose graph is not one', async () => {
    const classifier = buildPreset('seed-net', { imageSize: 8 });
    const file = join(work, 'classifier.safetensors');
    writeFileSync(file, encodeModelFile({ name: 'seed-net' }, classifier));
    await assert.rejects(
      loadDetector(file),
      /classifier\.safetensors: a classification model, not a detector/,
    );
    const spec = completeModelSpec({ task: 'detection', graph: classifier.spec() }, 'x');
    assert.throws(
      () => detectorLayout(spec, classifier, 'x.safetensors'),
      /x\.safetensors: a detector's graph has outputs heatmap, size, offset; this one lacks heatmap, size, offset/,
    );
    const detector = digitDetector({ imageSize: 16, width: 4, numClasses: 3 });
    const wrongNames = completeModelSpec(
      { task: 'detection', graph: detector.spec(), classNames: ['a', 'b'] },
      'y',
    );
    assert.throws(
      () => detectorLayout(wrongNames, detector, 'y'),
      /y: 2 class names for a heatmap of 3 classes/,
    );
  });
});

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as NodeJS.WriteStream;
  return { stream, text: () => text };
}

async function convnet(args: string[]): Promise<string> {
  const out = capture();
  try {
    await createProgram({ stdout: out.stream, stderr: out.stream }).parseAsync(args, {
      from: 'user',
    });
  } finally {
    setBackend(referenceBackend);
  }
  return out.text();
}

describe('convnet train --task detection, eval, detect', () => {
  it('trains, reports, evaluates and draws; classification commands refuse the detector', async () => {
    const out = join(work, 'run');
    const trained = await convnet([
      'train',
      '--task',
      'detection',
      '--dataset',
      'digit-scenes',
      '--model',
      'digit-detector',
      '--epochs',
      '1',
      '--batch-size',
      '4',
      '--limit-train',
      '8',
      '--limit-test',
      '4',
      '--out',
      out,
    ]);
    assert.match(trained, /kernels: wasm/);
    assert.match(trained, /AP@0\.5 \d\.\d{3} {2}AP@\[\.5:\.95\] \d\.\d{3} on 4 test scenes/);
    assert.match(
      trained,
      /training curves, example detections and report: training-curves\.png, detections\.png, report\.html, detection-run\.json/,
    );
    assert.match(
      trained,
      /test AP@0\.5 \d\.\d{3}, AP@\[\.5:\.95\] \d\.\d{3}; detector saved in .*model\.safetensors/,
    );
    for (const name of ['model.safetensors', 'training-curves.png', 'report.html'])
      assert.ok(existsSync(join(out, name)), name);
    const examples = decodePng(readFileSync(join(out, 'detections.png')));
    assert.deepEqual([examples.width, examples.height], [4 * 192 + 5 * 4, 192 + 2 * 4]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /<h2>Example detections<\/h2>\n<img src="data:image\/png;base64,/);
    assert.match(html, /<h2>Per-class AP \(test set\)<\/h2>/);
    const run = JSON.parse(readFileSync(join(out, 'detection-run.json'), 'utf8')) as {
      history: { epoch: number; lrLast: number }[];
      settings: { trainScenes: number };
    };
    assert.equal(run.history.length, 1);
    assert.equal(run.settings.trainScenes, 8);

    const evaluated = await convnet(['eval', '--model', out, '--limit-test', '4']);
    assert.match(
      evaluated,
      /detector digit-detector from .*; dataset digit-scenes \(test\), 4 images/,
    );
    assert.match(evaluated, /AP@0\.5 .* AP@\[\.5:\.95\] /);
    assert.match(evaluated, /\n9 +(\d\.\d{3}|n\/a)/);

    const png = join(work, 'scene.png');
    const scene = makeScenes(digits, 1, { size: 60, maxDigitSize: 30 })[0];
    writeFileSync(png, grayToPng(scene.pixels, 60, 60));
    const boxes = join(work, 'boxes.png');
    const detected = await convnet([
      'detect',
      '--model',
      join(out, 'model.safetensors'),
      png,
      '--out',
      boxes,
      '--json',
      '--score',
      '0.01',
    ]);
    const json = JSON.parse(detected) as {
      width: number;
      detections: { className: string; score: number }[];
    };
    assert.equal(json.width, 60);
    assert.ok(json.detections.every((d) => d.score >= 0.01 && /^\d$/.test(d.className)));
    assert.ok(existsSync(boxes));

    await assert.rejects(convnet(['predict', '--model', out, png]), /use convnet detect/);
    await assert.rejects(
      convnet(['train', '--model', 'digit-detector', '--epochs', '1']),
      /--model digit-detector is a detector: train it with --task detection/,
    );
  });
});
