import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { evaluateSegmentation } from '../../../src/apps/segmentation/evaluate-segmentation.js';
import { generateDigitMasks } from '../../../src/apps/segmentation/digit-masks.js';
import { loadSegmenter } from '../../../src/apps/segmentation/segmenter-model.js';
import { trainSegmentation } from '../../../src/apps/segmentation/train-segmentation.js';
import { unetLite } from '../../../src/apps/segmentation/unet-lite.js';
import { InMemoryDataset } from '../../../src/data/dataset.js';
import type { ProgressReporter } from '../../../src/train/progress.js';
import { Tensor } from '../../../src/tensor.js';

const work = mkdtempSync(join(tmpdir(), 'seg-train-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Two fake digits: a bar (class 2) and a square ring (class 4). */
function pool(): InMemoryDataset {
  const images = Tensor.zeros([2, 1, 28, 28]);
  for (let r = 4; r < 24; r++) for (let c = 12; c < 16; c++) images.data[r * 28 + c] = 1;
  for (let r = 6; r < 22; r++) {
    for (let c = 6; c < 22; c++) {
      if (r < 10 || r > 17 || c < 10 || c > 17) images.data[784 + r * 28 + c] = 1;
    }
  }
  return new InMemoryDataset(
    images,
    Int32Array.from([1, 3]),
    Array.from({ length: 10 }, (_, d) => String(d)),
  );
}

describe('trainSegmentation', () => {
  it('learns a tiny task, pads sides that are not multiples of the stride, and saves a segmenter', async () => {
    const options = { height: 22, width: 30, minSize: 12, maxSize: 16, maxDigits: 2 };
    const train = generateDigitMasks(pool(), { ...options, count: 24, seed: 1 });
    const test = generateDigitMasks(pool(), { ...options, count: 8, seed: 2 });
    const model = unetLite({ base: 4, seed: 0, imageSize: [24, 32] });
    const before = (await evaluateSegmentation(model, test, { stride: 4 })).confusion;
    const messages: string[] = [];
    let batches = 0;
    const reporter: ProgressReporter = {
      message: (text) => messages.push(text),
      epochStart: () => undefined,
      batch: () => void batches++,
      epochEnd: () => undefined,
      close: () => undefined,
    };
    const out = join(work, 'run');
    const result = await trainSegmentation({
      model,
      train,
      test,
      epochs: 3,
      batchSize: 8,
      lr: 1e-2,
      loss: 'ce+dice',
      stride: 4,
      out,
      dataset: 'fake',
      reporter,
    });
    assert.equal(batches, 9);
    assert.equal(result.history.length, 3);
    const [first, , last] = result.history;
    assert.ok(
      last.trainLoss < first.trainLoss,
      `train loss ${first.trainLoss} -> ${last.trainLoss}`,
    );
    assert.ok(
      last.testAccuracy > before.pixelAccuracy() && last.testMeanIoU > before.meanIoU(),
      `test pixel accuracy ${before.pixelAccuracy()} -> ${last.testAccuracy}, mIoU ${before.meanIoU()} -> ${last.testMeanIoU}`,
    );
    assert.equal(messages.length, 3);
    assert.match(messages[2], /test mIoU \d+\.\d\d%/);
    assert.ok(existsSync(join(out, 'history.json')) && existsSync(join(out, 'history.csv')));
    const saved = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as {
      testMeanIoU: number;
    }[];
    assert.equal(saved[2].testMeanIoU, last.testMeanIoU);
    const loaded = await loadSegmenter(out);
    assert.equal(loaded.spec.task, 'segmentation');
    assert.deepEqual(loaded.spec.classNames, [...train.classNames]);
    assert.equal(loaded.spec.dataset, 'fake');
    assert.equal(loaded.stride, 4);
  });

  it('refuses bad counts', async () => {
    const set = generateDigitMasks(pool(), {
      count: 2,
      height: 28,
      width: 28,
      minSize: 20,
      maxSize: 20,
    });
    await assert.rejects(
      trainSegmentation({
        model: unetLite({ base: 2 }),
        train: set,
        test: set,
        epochs: 0,
        batchSize: 2,
      }),
      /epochs must be an integer >= 1, got 0/,
    );
  });

  it('weights the cross-entropy per class (all ones is no weighting) and refuses a wrong count', async () => {
    const set = generateDigitMasks(pool(), {
      count: 4,
      height: 28,
      width: 28,
      minSize: 20,
      maxSize: 20,
    });
    const run = (classWeights: number[] | null) =>
      trainSegmentation({
        model: unetLite({ base: 2, depth: 1, imageSize: [28, 28], seed: 3 }),
        train: set,
        test: set,
        epochs: 1,
        batchSize: 4,
        classWeights,
      });
    await assert.rejects(run([1, 1]), /classWeights has 2 numbers for 11 classes/);
    const plain = await run(null);
    const ones = await run(Array.from({ length: 11 }, () => 1));
    assert.equal(ones.history[0].trainLoss, plain.history[0].trainLoss);
    const backgroundOnly = await run([1, ...Array.from({ length: 10 }, () => 0)]);
    assert.notEqual(backgroundOnly.history[0].trainLoss, plain.history[0].trainLoss);
  });
});
