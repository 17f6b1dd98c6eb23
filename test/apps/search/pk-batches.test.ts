import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryDataset } from '../../../src/data/dataset.js';
import { DataLoader } from '../../../src/data/loader.js';
import { orderedView, pkOrder, pkShape } from '../../../src/apps/search/pk-batches.js';
import { Tensor } from '../../../src/tensor.js';

describe('P x K batches', () => {
  it('pkShape: as many classes as fit with 4 images each, then K fills the batch', () => {
    assert.deepEqual(pkShape(128, 10), { classes: 10, perClass: 12 });
    assert.deepEqual(pkShape(64, 100), { classes: 16, perClass: 4 });
    assert.deepEqual(pkShape(4, 10), { classes: 2, perClass: 2 });
    assert.throws(() => pkShape(64, 1), /2 classes or more/);
  });

  it('each batch holds K images of each of P distinct classes; K distinct images; seeded', () => {
    // 5 classes of unequal sizes: class c has 6 + 3c images.
    const labels = Int32Array.from(
      Array.from({ length: 5 }, (_, c) => new Array<number>(6 + 3 * c).fill(c)).flat(),
    );
    const shape = { classes: 3, perClass: 4 };
    const order = pkOrder(labels, shape, 7, 0);
    assert.equal(order.length, Math.floor(labels.length / 12) * 12);
    for (let b = 0; b < order.length; b += 12) {
      const batch = Array.from(order.subarray(b, b + 12), (i) => labels[i]);
      const classes = new Set(batch);
      assert.equal(classes.size, 3, `batch ${b / 12}: ${batch.join(',')}`);
      for (const c of classes) assert.equal(batch.filter((l) => l === c).length, 4);
      // Within a class's K, no image repeats (every class has more than K images).
      for (let p = 0; p < 3; p++) {
        const ids = order.subarray(b + 4 * p, b + 4 * p + 4);
        assert.equal(new Set(ids).size, 4);
      }
    }
    assert.deepEqual(pkOrder(labels, shape, 7, 0), order);
    assert.notDeepEqual(pkOrder(labels, shape, 7, 1), order);
  });

  it('orderedView feeds a DataLoader the order, normalised as usual', () => {
    const N = 6;
    const images = new Tensor(
      Float32Array.from({ length: N }, (_, i) => i),
      [N, 1, 1, 1],
    );
    const labels = Int32Array.from([0, 1, 0, 1, 0, 1]);
    const data = new InMemoryDataset(images, labels, ['a', 'b']);
    const order = Int32Array.from([5, 0, 3, 2]);
    const loader = new DataLoader(orderedView(data, order), {
      batchSize: 2,
      shuffle: false,
      normalize: { mean: [1], std: [2] },
    });
    const batches = [...loader.epoch(0)];
    assert.deepEqual(
      batches.map((b) => [...b.images.data]),
      [
        [2, -0.5],
        [1, 0.5],
      ],
    );
    assert.deepEqual(
      batches.map((b) => [...b.labels]),
      [
        [1, 0],
        [1, 0],
      ],
    );
  });
});
