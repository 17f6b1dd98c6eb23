/**
 * The embedded MNIST digits' constants (size, class names, the seeded train/test split) and
 * gatherBatch. Browser-safe: the playground fetches the same digit files and splits them the
 * same way. Node reads them with loadMnistDigits and mnistDataset (load-mnist-digits.ts).
 */
import { Tensor } from '../tensor.js';

export const MNIST_IMAGE_SIZE = 28;
export const MNIST_CLASS_NAMES: readonly string[] = Object.freeze(
  Array.from({ length: 10 }, (_, digit) => String(digit)),
);
/** The seed of the fixed train/test split of mnistDataset(); changing it changes the split. */
export const MNIST_SPLIT_SEED = 20_000;
export const MNIST_TRAIN_SIZE = 8_000;

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
