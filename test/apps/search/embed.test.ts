/**
 * embed.ts: embedDataset and embedImages give, bit for bit, what a plain forward pass over
 * DataLoader batches gives (the path they replaced), on the reference kernels and inside the
 * fast backend's steps (where the batch is gathered and normalised straight into the kernels'
 * memory), for a batch size that does not divide the count; and an image source's load runs
 * before each batch's fill.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { noGrad } from '../../../src/autograd.js';
import { embedDataset, embedImages, type ImageSource } from '../../../src/apps/search/embed.js';
import { embeddingNet } from '../../../src/apps/search/embedding-net.js';
import { mnistDataset } from '../../../src/data/load-mnist-digits.js';
import { DataLoader } from '../../../src/data/loader.js';
import { getBackend, referenceBackend, setBackend } from '../../../src/kernels/backend.js';
import { createWasmBackend, type WasmBackend } from '../../../src/kernels/wasm/index.js';

const normalize = { mean: [0.13], std: [0.31] };
const dataset = mnistDataset().test.subset(Array.from({ length: 45 }, (_, i) => i));
const model = embeddingNet({ seed: 3, dim: 12 });
model.eval();

/** The previous path: DataLoader batches through a plain forward pass. */
function expected(batchSize: number): Float32Array {
  const loader = new DataLoader(dataset, { batchSize, shuffle: false, normalize });
  const parts: number[] = [];
  for (const { images } of loader.epoch(0)) parts.push(...noGrad(() => model.forward(images)).data);
  return Float32Array.from(parts);
}

function firstDifference(a: Float32Array, b: Float32Array): string {
  const i = a.findIndex((v, k) => !Object.is(v, b[k]));
  return i < 0 ? 'none' : `index ${i}: ${a[i]} vs ${b[i]}`;
}

let wasm: WasmBackend;
const previous = getBackend();
before(async () => {
  wasm = await createWasmBackend({ threads: 2 });
});
after(() => {
  setBackend(previous);
  wasm.dispose();
});

describe('embedDataset, embedImages', () => {
  for (const name of ['reference', 'wasm'] as const) {
    it(`match DataLoader batches through forward, bit for bit (${name})`, async () => {
      setBackend(name === 'wasm' ? wasm : referenceBackend);
      const want = expected(16);
      const got = await embedDataset(model, dataset, { normalize, batchSize: 16 });
      assert.deepEqual([got.count, got.dim], [45, 12]);
      assert.equal(got.data.length, want.length);
      assert.equal(firstDifference(got.data, want), 'none');
      const seen: number[] = [];
      const source: ImageSource = {
        count: dataset.length,
        imageShape: dataset.imageShape,
        load(from, count) {
          seen.push(from, count);
          return Promise.resolve();
        },
        fill(pixels, from, count) {
          assert.deepEqual(seen.slice(-2), [from, count], 'fill follows its load');
          pixels.set(dataset.images.data.subarray(from * 784, (from + count) * 784));
        },
      };
      const files = await embedImages(model, source, { normalize, batchSize: 16 });
      assert.deepEqual(seen, [0, 16, 16, 16, 32, 13]);
      assert.equal(firstDifference(files.data, want), 'none');
    });
  }

  it('refuses a batch size that is not a positive integer', async () => {
    await assert.rejects(
      embedDataset(model, dataset, { batchSize: 0 }),
      /embedImages: batchSize must be a positive integer, got 0/,
    );
  });
});
