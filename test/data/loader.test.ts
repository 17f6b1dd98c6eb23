import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryDataset } from '../../src/data/dataset.js';
import { DataLoader, channelStats } from '../../src/data/loader.js';
import type { Batch } from '../../src/data/dataset.js';

/** n images (C,H,W) where pixel (c,y,x) of image i = i*1000 + c*100 + y*10 + x + 1 (never 0). */
function positional(n: number, C = 1, H = 5, W = 6): InMemoryDataset {
  const pixels = new Float32Array(n * C * H * W);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < C; c++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) pixels[k++] = i * 1000 + c * 100 + y * 10 + x + 1;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  return InMemoryDataset.fromArrays(pixels, [n, C, H, W], labels, ['a', 'b', 'c', 'd']);
}

/** The image index each sample of a batch came from (pixel 0 = i*1000 + 1, or padding). */
function sampleIds(batch: Batch): number[] {
  const [B, C, H, W] = batch.images.shape;
  const ids: number[] = [];
  for (let n = 0; n < B; n++) {
    const plane = batch.images.data.subarray(n * C * H * W, (n + 1) * C * H * W);
    const any = plane.find((v) => v !== 0) ?? 0;
    ids.push(Math.floor(any / 1000));
  }
  return ids;
}

function epochIds(loader: DataLoader, epoch: number): number[] {
  return [...loader.epoch(epoch)].flatMap(sampleIds);
}

describe('DataLoader', () => {
  it('batches every image once per epoch, keeping or dropping the last partial batch', () => {
    const set = positional(10);
    const keep = new DataLoader(set, { batchSize: 4, seed: 1 });
    assert.equal(keep.batchesPerEpoch, 3);
    const batches = [...keep.epoch(0)];
    assert.deepEqual(
      batches.map((b) => b.images.shape),
      [
        [4, 1, 5, 6],
        [4, 1, 5, 6],
        [2, 1, 5, 6],
      ],
    );
    const ids = batches.flatMap(sampleIds);
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(
      batches.flatMap((b) => Array.from(b.labels)),
      ids.map((i) => i % 4),
    );
    const drop = new DataLoader(set, { batchSize: 4, seed: 1, dropLast: true });
    assert.equal(drop.batchesPerEpoch, 2);
    assert.deepEqual(epochIds(drop, 0), ids.slice(0, 8));
    assert.deepEqual(epochIds(new DataLoader(set, { batchSize: 5, dropLast: true }), 0).length, 10);
  });

  it('reproduces epoch k from (seed, k) alone, so a resumed run sees the same batches', () => {
    const set = positional(50);
    const run = new DataLoader(set, { batchSize: 8, seed: 7 });
    const orders = [0, 1, 2, 3].map((k) => epochIds(run, k));
    const resumed = new DataLoader(set, { batchSize: 8, seed: 7 });
    assert.deepEqual(epochIds(resumed, 3), orders[3]);
    assert.deepEqual(epochIds(resumed, 1), orders[1]);
    assert.notDeepEqual(orders[0], orders[1], 'each epoch is reshuffled');
    assert.notDeepEqual(epochIds(new DataLoader(set, { batchSize: 8, seed: 8 }), 0), orders[0]);
    assert.deepEqual(
      epochIds(new DataLoader(set, { batchSize: 50, seed: 7 }), 2),
      orders[2],
      'the batch size does not change the order',
    );
  });

  it('keeps the dataset order without shuffle', () => {
    const loader = new DataLoader(positional(7), { batchSize: 3, shuffle: false });
    assert.deepEqual(epochIds(loader, 5), [0, 1, 2, 3, 4, 5, 6]);
  });

  it('normalises each channel: (x - mean[c]) / std[c]', () => {
    const set = positional(3, 2, 2, 2);
    const loader = new DataLoader(set, {
      batchSize: 3,
      shuffle: false,
      normalize: { mean: [10, 20], std: [2, 4] },
    });
    const [batch] = [...loader.epoch(0)];
    for (let n = 0; n < 3; n++)
      for (let c = 0; c < 2; c++)
        for (let p = 0; p < 4; p++) {
          const i = (n * 2 + c) * 4 + p;
          const expected = (set.images.data[i] - [10, 20][c]) / [2, 4][c];
          assert.ok(
            Math.abs(batch.images.data[i] - expected) <= 1e-6 * Math.abs(expected),
            `${batch.images.data[i]} vs ${expected}`,
          );
        }
  });

  it('crops with zero padding at offsets in [-p, p] and flips about half the images', () => {
    const [C, H, W, pad] = [2, 5, 6, 2];
    const set = positional(400, C, H, W);
    const loader = new DataLoader(set, {
      batchSize: 64,
      seed: 3,
      augment: { cropPadding: pad, horizontalFlip: true },
    });
    const offsets = new Set<string>();
    let flips = 0;
    let samples = 0;
    for (const batch of loader.epoch(0)) {
      const B = batch.images.shape[0];
      for (let n = 0; n < B; n++) {
        const out = batch.images.data.subarray(n * C * H * W, (n + 1) * C * H * W);
        // Find the (dy, dx, flip) that explains every output pixel.
        const id = sampleIds({ images: batch.images, labels: batch.labels })[n];
        const explains = (dy: number, dx: number, flip: boolean): boolean => {
          for (let c = 0; c < C; c++)
            for (let y = 0; y < H; y++)
              for (let x = 0; x < W; x++) {
                const sy = y + dy;
                const sx = (flip ? W - 1 - x : x) + dx;
                const inside = sy >= 0 && sy < H && sx >= 0 && sx < W;
                const expected = inside ? id * 1000 + c * 100 + sy * 10 + sx + 1 : 0;
                if (out[(c * H + y) * W + x] !== expected) return false;
              }
          return true;
        };
        const found: string[] = [];
        for (let dy = -pad; dy <= pad; dy++)
          for (let dx = -pad; dx <= pad; dx++)
            for (const flip of [false, true])
              if (explains(dy, dx, flip)) found.push(`${dy},${dx},${flip}`);
        assert.equal(
          found.length,
          1,
          `sample ${id}: exactly one crop and flip explains it, found ${found.join(' | ')}`,
        );
        const [dy, dx, flip] = found[0].split(',');
        offsets.add(`${dy},${dx}`);
        if (flip === 'true') flips++;
        samples++;
      }
    }
    assert.equal(samples, 400);
    assert.equal(offsets.size, (2 * pad + 1) ** 2, 'every offset occurs');
    assert.ok(flips > 150 && flips < 250, `about half flipped: ${flips}`);
  });

  it('augments reproducibly per (seed, epoch), without changing the order', () => {
    const set = positional(30);
    const options = { batchSize: 8, seed: 2, augment: { cropPadding: 1, horizontalFlip: true } };
    const a = [...new DataLoader(set, options).epoch(4)];
    const b = [...new DataLoader(set, options).epoch(4)];
    assert.deepEqual(
      a.map((x) => Array.from(x.images.data)),
      b.map((x) => Array.from(x.images.data)),
    );
    const other = [...new DataLoader(set, options).epoch(5)];
    assert.notDeepEqual(
      a.map((x) => Array.from(x.images.data)),
      other.map((x) => Array.from(x.images.data)),
    );
    const plain = new DataLoader(set, { batchSize: 8, seed: 2 });
    assert.deepEqual(
      a.flatMap((x) => Array.from(x.labels)),
      [...plain.epoch(4)].flatMap((x) => Array.from(x.labels)),
    );
  });

  it('pads with the normalised value of 0 when augmenting a normalised loader', () => {
    const set = InMemoryDataset.fromArrays(
      new Float32Array(4 * 9).fill(1),
      [4, 1, 3, 3],
      new Int32Array(4),
      ['a'],
    );
    const loader = new DataLoader(set, {
      batchSize: 4,
      seed: 0,
      augment: { cropPadding: 3 },
      normalize: { mean: [0.5], std: [0.25] },
    });
    const values = new Set([...loader.epoch(0)].flatMap((b) => Array.from(b.images.data)));
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      [-2, 2],
    );
  });

  it('gives each batch its own arrays, valid after the next batch is made', () => {
    const loader = new DataLoader(positional(12), {
      batchSize: 4,
      seed: 1,
      augment: { horizontalFlip: true },
    });
    const iterator = loader.epoch(0);
    const first = iterator.next();
    assert.ok(first.done !== true);
    const copy = Array.from(first.value.images.data);
    iterator.next();
    assert.deepEqual(Array.from(first.value.images.data), copy);
  });

  it('rejects bad options with messages that say what is wrong', () => {
    const set = positional(4, 2, 2, 2);
    assert.throws(
      () => new DataLoader(set, { batchSize: 0 }),
      /batchSize must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => new DataLoader(set, { batchSize: 2, augment: { cropPadding: -1 } }),
      /augment.cropPadding must be an integer >= 0, got -1/,
    );
    assert.throws(
      () => new DataLoader(set, { batchSize: 2, normalize: { mean: [0], std: [1] } }),
      /normalize needs one mean and one std per channel \(2\), got 1 and 1/,
    );
    assert.throws(
      () => new DataLoader(set, { batchSize: 2, normalize: { mean: [0, 0], std: [1, 0] } }),
      /channel 1 needs a finite mean and a positive std, got mean 0, std 0/,
    );
    assert.throws(
      () => [...new DataLoader(set, { batchSize: 2 }).epoch(-1)],
      /epoch must be an integer >= 0, got -1/,
    );
  });
});

describe('channelStats', () => {
  it('computes each channel’s mean and population std over the dataset', () => {
    // Channel 0 holds 0..7 over two 2x2 images, channel 1 is constant 3.
    const pixels = Float32Array.from([0, 1, 2, 3, 3, 3, 3, 3, 4, 5, 6, 7, 3, 3, 3, 3]);
    const set = InMemoryDataset.fromArrays(pixels, [2, 2, 2, 2], new Int32Array(2), ['a']);
    for (const chunk of [1, 2, 1024]) {
      const { mean, std } = channelStats(set, chunk);
      assert.deepEqual(mean, [3.5, 3]);
      assert.ok(Math.abs(std[0] - Math.sqrt(5.25)) < 1e-12);
      assert.equal(std[1], 0);
    }
  });
});
