/**
 * Data: datasets, the IDX reader, Fashion-MNIST, image folders, resizing and the DataLoader.
 */
export { InMemoryDataset } from './dataset.js';
export type { Batch, Dataset, ImageShape } from './dataset.js';
export {
  IdxError,
  IDX_MAX_BYTES,
  isGzip,
  decompressIdx,
  parseIdx,
  readIdxFile,
  idxToDataset,
  readIdxDataset,
  encodeIdx,
} from './idx.js';
export type { IdxArray, IdxData, IdxDataType, IdxDatasetOptions, IdxReadOptions } from './idx.js';
export {
  MNIST_IMAGE_SIZE,
  MNIST_CLASS_NAMES,
  MNIST_SPLIT_SEED,
  MNIST_TRAIN_SIZE,
  loadMnistDigits,
  mnistDataset,
  gatherBatch,
} from './mnist-digits.js';
export type { ImageSet } from './mnist-digits.js';
export { DownloadError, downloadFile, fileDigest } from './download.js';
export type { Checksum, ChecksumAlgorithm, DownloadOptions } from './download.js';
export {
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_URL,
  FASHION_MNIST_URL_ENV,
  FASHION_MNIST_SYSTEM_DIR,
  FASHION_MNIST_FILES,
  FASHION_MNIST_CHECKSUMS,
  FASHION_MNIST_RAW_MD5,
  FashionMnistError,
  defaultFashionMnistCacheDir,
  loadFashionMnist,
} from './fashion-mnist.js';
export type {
  FashionMnist,
  FashionMnistOptions,
  FashionMnistPart,
  FashionMnistSource,
} from './fashion-mnist.js';
export { resizeBilinear, resizeImage } from './resize.js';
export type { ResizeOptions } from './resize.js';
export {
  ImageError,
  ImageFolderDataset,
  decodeImage,
  rgbaToChannels,
  imageFromBytes,
  loadImage,
  loadImageFolder,
} from './image-folder.js';
export type { ImageChannels, ImageReadOptions, LoadedImage, RgbaImage } from './image-folder.js';
export { DataLoader, channelStats, epochSeed } from './loader.js';
export type { AugmentOptions, DataLoaderOptions, NormalizeOptions } from './loader.js';
