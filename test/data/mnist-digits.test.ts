import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMnistDigits, mnistDataset } from '../../src/data/load-mnist-digits.js';
import { gatherBatch } from '../../src/data/mnist-digits.js';

describe('embedded MNIST digits', () => {
  const set = loadMnistDigits();

  it('holds the 10,000 real digits of the mnist package, 28x28 in [0,1]', () => {
    assert.deepEqual(set.images.shape, [10000, 1, 28, 28]);
    assert.equal(set.labels.length, 10000);
    let min = Infinity;
    let max = -Infinity;
    for (const v of set.images.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
    const counts = new Array<number>(10).fill(0);
    for (const l of set.labels) counts[l]++;
    assert.deepEqual(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  it('gathers a batch and rejects an index outside the set', () => {
    const batch = gatherBatch(set, [0, 9999]);
    assert.deepEqual(batch.images.shape, [2, 1, 28, 28]);
    assert.deepEqual(Array.from(batch.labels), [0, 9]);
    assert.deepEqual(batch.images.data.subarray(784), set.images.data.subarray(9999 * 784));
    assert.throws(
      () => gatherBatch(set, [10000]),
      /index 10000 is outside the set of 10000 images/,
    );
  });
});

describe('embedded MNIST dataset (the default)', () => {
  const { train, test } = mnistDataset();

  it('splits the 10,000 digits into a fixed 8,000/2,000 train/test split', () => {
    assert.equal(train.length, 8000);
    assert.equal(test.length, 2000);
    assert.deepEqual(train.imageShape, [1, 28, 28]);
    assert.deepEqual(train.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const counts = (labels: Int32Array): number[] => {
      const c = new Array<number>(10).fill(0);
      for (const l of labels) c[l]++;
      return c;
    };
    const total = counts(train.labels).map((c, i) => c + counts(test.labels)[i]);
    assert.deepEqual(total, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    for (const c of counts(test.labels))
      assert.ok(c > 100, `every digit is in the test set (${c})`);
  });

  it('is the same split on every call, and train and test are disjoint', () => {
    const again = mnistDataset();
    assert.deepEqual(again.test.labels, test.labels);
    assert.deepEqual(again.test.images.data, test.images.data);
    // The 10,000 embedded digits hold no two identical images, so pixels identify a digit.
    const key = (data: Float32Array | Float64Array, i: number): string =>
      data.subarray(i * 784, (i + 1) * 784).join(',');
    const trainKeys = new Set(
      Array.from({ length: train.length }, (_, i) => key(train.images.data, i)),
    );
    const shared = Array.from({ length: test.length }, (_, i) => key(test.images.data, i)).filter(
      (k) => trainKeys.has(k),
    );
    assert.equal(shared.length, 0);
  });
});
