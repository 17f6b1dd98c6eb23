/**
 * The CLI's recipes (src/train/recipe.ts) and the progress output (src/train/progress.ts): the
 * schedules by name, the config's checks, dataset names, and the console reporter with and
 * without a terminal.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { seedNet } from '../../src/nn/presets.js';
import { CosineWarmupLR } from '../../src/optim/cosine-warmup-lr.js';
import { OneCycleLR } from '../../src/optim/one-cycle-lr.js';
import { ReduceLROnPlateau } from '../../src/optim/reduce-lr-on-plateau.js';
import { StepLR } from '../../src/optim/step-lr.js';
import type { EpochRecord } from '../../src/train/history.js';
import { consoleReporter, type ProgressStream } from '../../src/train/progress.js';
import {
  DEFAULT_TRAIN_CONFIG,
  augmentFor,
  createOptimizer,
  createSchedule,
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
      accuracy: 0.6,
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
      accuracy: 0.6,
      imagesPerSecond: 1000,
    });
    reporter.epochEnd(record, 2);
    reporter.close();
    assert.match(
      out.text(),
      /epoch 1\/2 \[.*\] 0\/10 \| loss NaN \| acc 0\.00% \| 0 img\/s \| ETA/,
    );
    assert.match(out.text(), /epoch 1\/2 {2}train loss 0\.5000/);
  });
});
