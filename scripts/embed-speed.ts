/**
 * Embedding throughput: images/s of embedDataset (src/apps/search/embed.ts) for a trained
 * embedding model over its dataset's images (train then test split: Fashion-MNIST's 70,000),
 * median of several repeats (each repeat runs every batch size in turn), with the load average
 * beside it (the machine may be shared).
 * `--compare` alternates each repeat with the path embed.ts took before (a DataLoader batch,
 * allocated per batch and copied into the kernels' memory by the first kernel), so both see the
 * same load. `--profile` then embeds once more at the first batch size with every kernel of the
 * backend timed from the host, and prints each kernel's share of the time and what is left
 * outside the kernels (gathering and normalising the images, the ops' bookkeeping, copies).
 *
 *   node --import tsx scripts/embed-speed.ts MODEL_DIR [--images N] [--repeats R]
 *        [--batch B1,B2,...] [--compare] [--profile]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { noGrad } from '../src/autograd.js';
import type { Dataset } from '../src/data/dataset.js';
import { DataLoader, type NormalizeOptions } from '../src/data/loader.js';
import { embedDataset } from '../src/apps/search/embed.js';
import { loadModelData, loadSearchModel } from '../src/apps/search/search-run.js';
import { getBackend } from '../src/kernels/backend.js';
import { useWasmBackend } from '../src/kernels/wasm/wasm-backend.js';
import type { Layer } from '../src/nn/module.js';
import { currentStepRunner } from '../src/train/step-runner.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    images: { type: 'string', default: '70000' },
    repeats: { type: 'string', default: '3' },
    batch: { type: 'string', default: '256' },
    compare: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 1) throw new Error('usage: embed-speed.ts MODEL_DIR [--images N]');

/** The previous embed path: DataLoader batches, copied in by the first kernel. */
function embedWithLoader(
  model: Layer,
  dataset: Dataset,
  normalize: NormalizeOptions,
  batchSize: number,
): number {
  const loader = new DataLoader(dataset, { batchSize, shuffle: false, normalize });
  const runner = currentStepRunner();
  let sum = 0;
  for (const { images } of loader.epoch(0)) {
    sum += runner.runStep([], () => noGrad(() => model.forward(images).data[0]));
  }
  return sum;
}

const backend = await useWasmBackend();
const m = await loadSearchModel(positionals[0]);
const data = await loadModelData(m);
const wanted = Number(values.images);
const first = (set: typeof data.train, n: number) =>
  set.subset(Array.from({ length: Math.min(n, set.length) }, (_, i) => i));
const sets = [first(data.train, wanted)];
if (wanted > data.train.length) sets.push(first(data.test, wanted - data.train.length));
const total = sets.reduce((n, s) => n + s.length, 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(
  `${backend.path.description}; ${m.spec.name} ${m.dim}-d on ${data.name}, ${total} images; load average ${load()}`,
);
// Repeats outermost, so every batch size (and the old path) sees the same changing load.
const batches = values.batch.split(',').map(Number);
const now = new Map<number, number[]>(batches.map((b) => [b, []]));
const before = new Map<number, number[]>(batches.map((b) => [b, []]));
for (let r = 0; r < Number(values.repeats); r++) {
  for (const batchSize of batches) {
    let start = performance.now();
    for (const set of sets)
      await embedDataset(m.model, set, { normalize: m.spec.normalize, batchSize });
    now.get(batchSize)?.push(total / ((performance.now() - start) / 1000));
    if (!values.compare) continue;
    start = performance.now();
    for (const set of sets) embedWithLoader(m.model, set, m.spec.normalize, batchSize);
    before.get(batchSize)?.push(total / ((performance.now() - start) / 1000));
  }
}
const line = (name: string, xs: number[]) =>
  `  ${name}: median ${Math.round(median(xs))} images/s (${xs.map(Math.round).join(', ')})`;
console.log(`done; load average ${load()}`);
for (const batchSize of batches) {
  console.log(`batch ${batchSize}`);
  console.log(line('embedDataset', now.get(batchSize) ?? []));
  if (values.compare) console.log(line('DataLoader path (before)', before.get(batchSize) ?? []));
}
if (values.profile) {
  // Every kernel of the active table wrapped with a timer; the table is the one ops call.
  const table = getBackend() as unknown as Record<string, unknown>;
  const spent = new Map<string, { ms: number; calls: number }>();
  const memory = new Set(['runStep', 'resident', 'residentBuffers']);
  for (const [name, kernel] of Object.entries(table)) {
    if (typeof kernel !== 'function' || memory.has(name)) continue;
    const call = kernel as (...args: unknown[]) => unknown;
    table[name] = (...args: unknown[]) => {
      const start = performance.now();
      try {
        return call(...args);
      } finally {
        const entry = spent.get(name) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - start;
        entry.calls++;
        spent.set(name, entry);
      }
    };
  }
  const start = performance.now();
  for (const set of sets)
    await embedDataset(m.model, set, { normalize: m.spec.normalize, batchSize: batches[0] });
  const ms = performance.now() - start;
  console.log(
    `profile, batch ${batches[0]}: ${Math.round(total / (ms / 1000))} images/s; load average ${load()}`,
  );
  let inKernels = 0;
  for (const [name, { ms: t, calls }] of [...spent].sort((a, b) => b[1].ms - a[1].ms)) {
    inKernels += t;
    console.log(`  ${name}: ${((100 * t) / ms).toFixed(1)}% (${calls} calls)`);
  }
  console.log(`  outside the kernels: ${((100 * (ms - inKernels)) / ms).toFixed(1)}%`);
}
backend.dispose();
