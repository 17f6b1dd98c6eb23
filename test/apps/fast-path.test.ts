/**
 * "Every op the model uses runs in the fast backend (no reference loops inside the fast path)":
 * each application's training step and batch-1 pass, and the classifier presets' steps, run on
 * the wasm backend with every kernel it lacks replaced by a recorder that runs the reference and
 * notes its name. The recorded names must be none. The steps are the ones the apps run (and
 * `npm run bench:apps` times), at small batches.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectorWorkloads, segmenterWorkloads } from '../../bench/apps-workloads.js';
import { embeddingNet } from '../../src/apps/search/embedding-net.js';
import { defaultLoss, trainEmbedding } from '../../src/apps/search/train-embedding.js';
import {
  getBackend,
  referenceBackend,
  setBackend,
  type Backend,
  type KernelTable,
} from '../../src/kernels/backend.js';
import { createWasmBackend, type WasmBackend } from '../../src/kernels/wasm/index.js';
import { InMemoryDataset } from '../../src/data/dataset.js';
import { fashionNet, seedNet } from '../../src/nn/presets.js';
import { Adam } from '../../src/optim/adam.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { createTrainStep } from '../../src/train/train-step.js';

let wasm: WasmBackend;
let previous: Backend;
let dir: string;
const fellBack = new Set<string>();

/** The wasm backend, with each kernel it lacks replaced by the reference and a note of its name. */
function recordingBackend(backend: WasmBackend): Backend {
  const kernels: Record<string, unknown> = {};
  for (const [name, reference] of Object.entries(referenceBackend.kernels)) {
    const own = (backend.kernels as Record<string, unknown>)[name];
    if (own !== undefined) kernels[name] = own;
    else if (typeof reference === 'function') {
      kernels[name] = (...args: unknown[]) => {
        fellBack.add(name);
        return (reference as (...a: unknown[]) => unknown)(...args);
      };
    }
  }
  return {
    name: `${backend.name} (recording fallbacks)`,
    kernels: kernels as Partial<KernelTable>,
    resident: backend.resident.bind(backend),
    runStep: backend.runStep.bind(backend),
    residentBuffers: backend.residentBuffers?.bind(backend),
  };
}

before(async () => {
  previous = getBackend();
  wasm = await createWasmBackend({ threads: 2 });
  setBackend(recordingBackend(wasm));
  dir = mkdtempSync(join(tmpdir(), 'convnet-fast-path-'));
});

after(() => {
  setBackend(previous);
  wasm.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `body` and asserts that no kernel fell back to the reference loops meanwhile. */
async function assertAllFast(what: string, body: () => unknown): Promise<void> {
  fellBack.clear();
  await body();
  assert.deepEqual(
    [...fellBack].sort(),
    [],
    `${what} ran reference loops for: ${[...fellBack].sort().join(', ')}`,
  );
}

function randomImages(rng: Rng, shape: number[]): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(0, 1);
  return t;
}

describe('the fast path has no reference loops', () => {
  it('skips nothing: the wasm backend is there', (t) => {
    if (wasm.path.backend !== 'wasm') t.skip(`no fast backend here: ${wasm.path.description}`);
  });

  it('object detection: the training step and batch-1 detection', async (t) => {
    if (wasm.path.backend !== 'wasm') return t.skip('no fast backend');
    for (const workload of detectorWorkloads(wasm, 2, dir))
      await assertAllFast(workload.name, () => workload.run());
  });

  it('semantic segmentation: the training step (ce+dice) and batch-1 segmentation', async (t) => {
    if (wasm.path.backend !== 'wasm') return t.skip('no fast backend');
    for (const workload of segmenterWorkloads(wasm, 2, dir).workloads)
      await assertAllFast(workload.name, () => workload.run());
  });

  it('similar-image search: an ArcFace epoch and its evaluation, and a triplet epoch', async (t) => {
    if (wasm.path.backend !== 'wasm') return t.skip('no fast backend');
    const rng = new Rng(3);
    const images = randomImages(rng, [32, 1, 28, 28]);
    const labels = Int32Array.from({ length: 32 }, (_, i) => i % 4);
    const set = new InMemoryDataset(images, labels, ['a', 'b', 'c', 'd']);
    for (const loss of ['arcface', 'triplet'] as const) {
      const model = wasm.resident(() => embeddingNet({ dim: 16 }));
      await assertAllFast(`${loss} embedding training and its evaluation`, () =>
        trainEmbedding({
          model,
          train: set,
          test: set,
          loss: defaultLoss(loss),
          epochs: 1,
          batchSize: 16,
          lr: 1e-3,
          evalImages: 16,
        }),
      );
    }
  });

  it('classification: seed-net and fashion-net training steps (Adam)', async (t) => {
    if (wasm.path.backend !== 'wasm') return t.skip('no fast backend');
    const rng = new Rng(4);
    for (const build of [seedNet, fashionNet]) {
      const model = wasm.resident(() => build());
      model.train();
      const step = createTrainStep({
        model,
        optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
        numClasses: 10,
      });
      const labels = Int32Array.from({ length: 8 }, (_, i) => i % 10);
      await assertAllFast(build.name, () => step(randomImages(rng, [8, 1, 28, 28]), labels));
    }
  });
});
