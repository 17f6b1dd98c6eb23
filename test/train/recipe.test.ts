/**
 * The CLI's recipes (src/train/recipe.ts) and the progress output (src/train/progress.ts): the
 * schedules by name, the config's checks, dataset names, and the console reporter with and
 * without a terminal.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { seedNet } from '../../src/nn/presets.js';
import { CosineWarmupLR } from '../../src/optim/cosine-warmup-lr.js';
import { OneCycleLR } from '../../src/optim/one-cycle-lr.js';
import { ReduceLROnPlateau } from '../../src/optim/reduce-lr-on-plateau.js';
import { StepLR } from '../../src/optim/step-lr.js';
import type { EpochRecord } from '../../src/train/history.js';
import {
  consoleReporter,
  formatProgressMetrics,
  type ProgressStream,
} from '../../src/train/progress.js';
import { fewStepsWarning } from '../../src/train/run.js';
import {
  DEFAULT_TRAIN_CONFIG,
  MAX_IMAGE_SIZE,
  augmentFor,
  createOptimizer,
  createSchedule,
  loadTrainingData,
  parseTrainConfig,
  resolveDatasetName,
  type TrainConfig,
} from '../../src/train/recipe.js';

const config = (overrides: Partial<Pick<TrainConfig, 'schedule' | 'epochs'>>): TrainConfig => ({
  ...DEFAULT_TRAIN_CONFIG,
  ...overrides,
});

describe('recipes', () => {
  it('builds each schedule, stepped when it should be', () => {
    const params = seedNet({ imageSize: 8 }).parameters();
    const kinds = [
      ['none', null, null],
      ['step', StepLR, 'epoch'],
      ['cosine', CosineWarmupLR, 'batch'],
      ['onecycle', OneCycleLR, 'batch'],
      ['plateau', ReduceLROnPlateau, 'plateau'],
    ] as const;
    for (const [name, kind, every] of kinds) {
      const c = config({ schedule: name, epochs: 6 });
      const schedule = createSchedule(c, createOptimizer(c, params), 10);
      if (kind === null) {
        assert.equal(schedule, null);
        continue;
      }
      assert.ok(schedule !== null && schedule.scheduler instanceof kind, name);
      assert.equal(schedule.every, every, name);
    }
    const step = createSchedule(
      config({ schedule: 'step', epochs: 9 }),
      createOptimizer(config({}), params),
      10,
    );
    assert.ok(step !== null && step.scheduler instanceof StepLR && step.scheduler.stepSize === 3);
  });

  it('checks a saved config, naming the field', () => {
    assert.deepEqual(
      parseTrainConfig(JSON.parse(JSON.stringify(DEFAULT_TRAIN_CONFIG)), 'x'),
      DEFAULT_TRAIN_CONFIG,
    );
    assert.throws(
      () => parseTrainConfig({ ...DEFAULT_TRAIN_CONFIG, optimizer: 'lbfgs' }, 's.json'),
      /s\.json: optimizer must be one of sgd, adam, adamw, got 'lbfgs'/,
    );
    assert.throws(
      () => parseTrainConfig({ ...DEFAULT_TRAIN_CONFIG, epochs: 0 }, 's.json'),
      /epochs must be a positive integer, got 0/,
    );
  });

  it('resolves dataset names and folders, with errors that say what to do', () => {
    assert.equal(resolveDatasetName('mnist'), 'mnist');
    const dir = mkdtempSync(join(tmpdir(), 'convnet-recipe-'));
    try {
      assert.equal(resolveDatasetName(dir), dir);
      writeFileSync(join(dir, 'a.png'), '');
      assert.throws(
        () => resolveDatasetName(join(dir, 'a.png')),
        /is a file: an image-folder dataset is a directory/,
      );
      assert.throws(() => resolveDatasetName('imagenet'), /unknown dataset 'imagenet': use mnist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks valSplit and imageSize in a saved config; a config from before valSplit gets the default', () => {
    const { valSplit: _dropped, ...old } = DEFAULT_TRAIN_CONFIG;
    assert.equal(parseTrainConfig(old, 'old.json').valSplit, 0.2);
    assert.throws(
      () => parseTrainConfig({ ...DEFAULT_TRAIN_CONFIG, valSplit: 1 }, 's.json'),
      /s\.json: valSplit must be a number in \(0, 1\), got 1/,
    );
    assert.throws(
      () => parseTrainConfig({ ...DEFAULT_TRAIN_CONFIG, imageSize: 100000 }, 's.json'),
      new RegExp(
        `s\\.json: imageSize must be an integer in \\[1, ${MAX_IMAGE_SIZE}\\], got 100000`,
      ),
    );
  });

  it('augments without flips for digits', () => {
    assert.equal(augmentFor({ augment: false }, 'fashion-mnist'), undefined);
    assert.deepEqual(augmentFor({ augment: true }, 'mnist'), {
      cropPadding: 2,
      horizontalFlip: false,
    });
    assert.deepEqual(augmentFor({ augment: true }, 'fashion-mnist'), {
      cropPadding: 2,
      horizontalFlip: true,
    });
  });
});

/** A folder root/<class>/<k>.png of 4x4 grey PNGs, `counts[class]` images per class. */
function imageFolder(root: string, counts: Record<string, number>): string {
  for (const [name, count] of Object.entries(counts)) {
    mkdirSync(join(root, name), { recursive: true });
    for (let k = 0; k < count; k++) {
      const png = new PNG({ width: 4, height: 4 });
      png.data.fill(10 * k);
      writeFileSync(join(root, name, `${k}.png`), PNG.sync.write(png));
    }
  }
  return root;
}

describe('training data from an image folder', () => {
  const base = mkdtempSync(join(tmpdir(), 'convnet-folder-data-'));
  const folderConfig = {
    dataDir: null,
    imageSize: 4,
    channels: 1,
    limitTrain: null,
    limitTest: null,
  };

  it('holds out valSplit of every class, and reports what it skipped', async () => {
    const root = imageFolder(join(base, 'three'), { a: 60, b: 60, c: 60 });
    mkdirSync(join(root, 'a', 'nested'));
    writeFileSync(join(root, 'b', 'labels.csv'), 'x');
    writeFileSync(join(root, 'README.md'), 'x');
    const messages: string[] = [];
    const data = await loadTrainingData({ ...folderConfig, dataset: root }, (m) =>
      messages.push(m),
    );
    const perClass = (labels: Int32Array): number[] =>
      [0, 1, 2].map((k) => labels.filter((l) => l === k).length);
    assert.deepEqual(perClass(data.test.labels), [12, 12, 12]);
    assert.deepEqual(perClass(data.train.labels), [48, 48, 48]);
    const quarter = await loadTrainingData({ ...folderConfig, dataset: root, valSplit: 0.25 });
    assert.deepEqual(perClass(quarter.test.labels), [15, 15, 15]);
    assert.deepEqual(messages, [
      `skipped 1 folder nested in class folders (only <folder>/<class>/* is read): ${join(root, 'a', 'nested')}`,
      `skipped 2 files that are not .png, .jpg or .jpeg in a class folder: ${join(root, 'README.md')}, ${join(root, 'b', 'labels.csv')}`,
    ]);
  });

  it('refuses a folder of one class, a huge image size, and a data directory it would not read', async () => {
    const one = imageFolder(join(base, 'one'), { cats: 5 });
    await assert.rejects(
      loadTrainingData({ ...folderConfig, dataset: one }),
      new RegExp(
        `^Error: ${one}: only one class folder \\('cats'\\): a classifier needs at least 2 classes`,
      ),
    );
    const two = imageFolder(join(base, 'two'), { a: 3, b: 3 });
    await assert.rejects(
      loadTrainingData({ ...folderConfig, dataset: two, imageSize: 100000 }),
      /^RangeError: image size 100000 \(--image-size\) is not an integer in \[1, 1024\]/,
    );
    const dataDir = join(base, 'fashion');
    for (const dataset of ['mnist', two]) {
      await assert.rejects(
        loadTrainingData({ ...folderConfig, dataset, dataDir }),
        new RegExp(
          `data directory ${dataDir} \\(--data-dir\\) holds Fashion-MNIST's files, but the dataset is ${dataset}, which does not read it`,
        ),
      );
    }
    await assert.rejects(
      loadTrainingData({ ...folderConfig, dataset: 'fashion-mnist', dataDir }),
      new RegExp(`Fashion-MNIST directory ${dataDir}: no such directory`),
    );
    rmSync(base, { recursive: true, force: true });
  });

  it('warns when a run takes too few optimizer steps to learn, with settings that give enough', () => {
    assert.equal(fewStepsWarning(8000, 5, 64), null);
    assert.equal(
      fewStepsWarning(144, 5, 64),
      'warning: 15 optimizer steps in all (5 epochs of 3 batches of up to 64 images) is too few to learn much from 144 training images; try --batch-size 16 --epochs 23 (207 steps)',
    );
  });
});

/** A writable stream that keeps what is written, posing as a terminal or not. */
function captureStream(isTTY: boolean): { stream: ProgressStream; text: () => string } {
  let text = '';
  const writable = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream: Object.assign(writable, { isTTY, columns: 100 }), text: () => text };
}

const record: EpochRecord = {
  epoch: 1,
  trainLoss: 0.5,
  trainAccuracy: 0.8,
  testLoss: 0.4,
  testAccuracy: 0.85,
  lr: 0.001,
  trainSeconds: 2,
  dataSeconds: 0.01,
  evalSeconds: 0.5,
  checkpointSeconds: 0.1,
  imagesPerSecond: 1234.4,
};

describe('consoleReporter', () => {
  it('prints one line per epoch when not on a terminal', () => {
    const out = captureStream(false);
    const reporter = consoleReporter({ stream: out.stream });
    reporter.epochStart({ epoch: 1, epochs: 2, batches: 10, images: 640 });
    reporter.batch({
      epoch: 1,
      batch: 5,
      batches: 10,
      loss: 0.7,
      metrics: [{ name: 'acc', value: 0.6, format: 'percent' }],
      imagesPerSecond: 1000,
    });
    reporter.epochEnd(record, 2);
    reporter.close();
    assert.equal(
      out.text(),
      'epoch 1/2  train loss 0.5000 acc 80.00%  test loss 0.4000 acc 85.00%  1,234 img/s  2.6 s\n',
    );
  });

  it('draws a bar with loss, accuracy, images/s and ETA on a terminal, then the summary', () => {
    const out = captureStream(true);
    const reporter = consoleReporter({ stream: out.stream });
    reporter.epochStart({ epoch: 1, epochs: 2, batches: 10, images: 640 });
    reporter.batch({
      epoch: 1,
      batch: 5,
      batches: 10,
      loss: 0.7,
      metrics: [{ name: 'acc', value: 0.6, format: 'percent' }],
      imagesPerSecond: 1000,
    });
    reporter.epochEnd(record, 2);
    reporter.close();
    assert.match(out.text(), /epoch 1\/2 \[.*\] 0\/10 \| loss - \| 0 img\/s \| ETA/);
    assert.match(
      out.text(),
      /epoch 1\/2 \[.*\] 5\/10 \| loss 0\.7000 \| acc 60\.00% \| 1,000 img\/s/,
    );
    assert.match(out.text(), /epoch 1\/2 {2}train loss 0\.5000/);
  });

  it('formats named metrics after the loss: fixed, percent, exponential, non-finite', () => {
    assert.equal(
      formatProgressMetrics(1.23456, [
        { name: 'heatmap', value: 0.5 },
        { name: 'acc', value: 0.25, format: 'percent' },
        { name: 'lr', value: 0.002, format: 'exponential' },
        { name: 'box', value: NaN },
      ]),
      'loss 1.2346 | heatmap 0.5000 | acc 25.00% | lr 2.00e-3 | box NaN',
    );
  });
});
