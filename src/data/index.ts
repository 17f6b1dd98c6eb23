/**
 * Data (`data` in convnet-ts): everything in the browser's namespace (browser.ts: datasets, the
 * DataLoader, resizing, the embedded digits' constants) plus the Node readers: the embedded
 * digits themselves, the IDX reader, Fashion-MNIST with its download, image folders.
 */
export * from './browser.js';
export { loadMnistDigits, mnistDataset } from './load-mnist-digits.js';
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
