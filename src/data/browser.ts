/**
 * Data in a browser (`data` in convnet-ts/browser): in-memory datasets, the DataLoader with its
 * augmentation and normalisation, resizing, MNIST-style digit preprocessing and polarity, and the embedded digits' constants and seeded split
 * (the page fetches the digit files itself). Nothing here imports Node; the readers of files
 * and downloads are in index.ts, the Node namespace.
 */
export { InMemoryDataset } from './dataset.js';
export type { Batch, Dataset, ImageShape } from './dataset.js';
export { DataLoader, channelStats, epochSeed } from './loader.js';
export type { AugmentOptions, DataLoaderOptions, NormalizeOptions } from './loader.js';
export { resizeBilinear, resizeImage } from './resize.js';
export type { ResizeOptions } from './resize.js';
export {
  MNIST_BOX_SIZE,
  MNIST_FIELD_SIZE,
  backgroundLevels,
  detectPolarity,
  fitImage,
  mnistDigitFromImage,
  prepareDigit,
} from './digit-preprocess.js';
export type {
  FitImageOptions,
  GrayImage,
  Polarity,
  PrepareDigitOptions,
  PreparedDigit,
} from './digit-preprocess.js';
export {
  MNIST_IMAGE_SIZE,
  MNIST_CLASS_NAMES,
  MNIST_SPLIT_SEED,
  MNIST_TRAIN_SIZE,
  gatherBatch,
  mnistDigitsFromFiles,
  splitMnistDigits,
} from './mnist-digits.js';
export type { ImageSet } from './mnist-digits.js';
export {
  ImageTooLargeError,
  MAX_IMAGE_PIXELS,
  checkImageSize,
  readImageHeader,
} from './image-size.js';
export type { ImageHeader } from './image-size.js';
