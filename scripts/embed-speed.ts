/**
 * Embedding throughput: images/s of embedDataset (src/apps/search/embed.ts) for a trained
 * embedding model over its dataset's images (train then test split, e.g. Fashion-MNIST's
 * 70,000), median of several repeats, with the load average beside it (the machine is shared).
 *
 *   node --import tsx scripts/embed-speed.ts MODEL_DIR [--images N] [--repeats R] [--batch B,B2]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { embedDataset } from '../src/apps/search/embed.js';
import { loadModelData, loadSearchModel } from '../src/apps/search/search-run.js';
import { useWasmBackend } from '../src/kernels/wasm/wasm-backend.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    images: { type: 'string', default: '70000' },
    repeats: { type: 'string', default: '3' },
    batch: { type: 'string', default: '256' },
  },
});
if (positionals.length !== 1) throw new Error('usage: embed-speed.ts MODEL_DIR [--images N]');
const backend = await useWasmBackend();
const m = await loadSearchModel(positionals[0]);
const data = await loadModelData(m);
const wanted = Number(values.images);
const trainCount = Math.min(wanted, data.train.length);
const sets = [
  data.train.subset(Array.from({ length: trainCount }, (_, i) => i)),
  ...(wanted > trainCount
    ? [
        data.test.subset(
          Array.from({ length: Math.min(wanted - trainCount, data.test.length) }, (_, i) => i),
        ),
      ]
    : []),
];
const total = sets.reduce((n, s) => n + s.length, 0);
console.log(
  `${backend.path.description}; ${m.spec.name} ${m.dim}-d on ${data.name}, ${total} images`,
);
for (const batchSize of values.batch.split(',').map(Number)) {
  const rates: number[] = [];
  for (let r = 0; r < Number(values.repeats); r++) {
    const start = performance.now();
    for (const set of sets)
      await embedDataset(m.model, set, { normalize: m.spec.normalize, batchSize });
    rates.push(total / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)];
  console.log(
    `batch ${batchSize}: median ${Math.round(median)} images/s (${rates.map(Math.round).join(', ')}); load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}
backend.dispose();
