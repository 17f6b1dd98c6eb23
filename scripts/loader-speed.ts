/**
 * How long the DataLoader takes to serve one epoch of 60,000 28x28 images in batches of 64
 * (Fashion-MNIST's size): plain, normalised, and normalised with crop + flip augmentation.
 * Uses the real Fashion-MNIST when it is installed or cached, else random pixels.
 *
 *   node --import tsx scripts/loader-speed.ts
 */
import { InMemoryDataset } from '../src/data/dataset.js';
import type { Dataset } from '../src/data/dataset.js';
import { loadFashionMnist } from '../src/data/fashion-mnist.js';
import { DataLoader } from '../src/data/loader.js';
import type { DataLoaderOptions } from '../src/data/loader.js';
import { Rng } from '../src/rng.js';

async function dataset(): Promise<{ set: Dataset; name: string }> {
  try {
    const { train } = await loadFashionMnist({ download: false });
    return { set: train, name: 'Fashion-MNIST train' };
  } catch {
    const rng = new Rng(0);
    const pixels = Float32Array.from({ length: 60000 * 784 }, () => rng.next());
    const labels = Int32Array.from({ length: 60000 }, () => rng.int(10));
    const names = Array.from({ length: 10 }, (_, i) => String(i));
    return {
      set: InMemoryDataset.fromArrays(pixels, [60000, 1, 28, 28], labels, names),
      name: 'random pixels',
    };
  }
}

const { set, name } = await dataset();
const normalize = { mean: [0.286], std: [0.353] };
const configs: [string, Omit<DataLoaderOptions, 'batchSize'>][] = [
  ['shuffle only', {}],
  ['shuffle + normalise', { normalize }],
  [
    'shuffle + normalise + crop(2) + flip',
    { normalize, augment: { cropPadding: 2, horizontalFlip: true } },
  ],
];
console.log(`${set.length} images ${set.imageShape.join('x')} (${name}), batch 64`);
for (const [label, options] of configs) {
  const loader = new DataLoader(set, { batchSize: 64, seed: 1, ...options });
  let checksum = 0;
  for (const batch of loader.epoch(0)) checksum += batch.labels[0];
  const times: number[] = [];
  for (let epoch = 1; epoch <= 5; epoch++) {
    const start = performance.now();
    for (const batch of loader.epoch(epoch)) checksum += batch.labels[0];
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(40)} median ${times[2].toFixed(0)} ms/epoch (min ${times[0].toFixed(0)}, max ${times[4].toFixed(0)}) [${checksum}]`,
  );
}
