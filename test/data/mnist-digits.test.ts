import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gatherBatch, loadMnistDigits } from '../../src/data/mnist-digits.js';

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
