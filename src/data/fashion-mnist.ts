/**
 * Fashion-MNIST (Zalando Research): 60,000 training and 10,000 test images of clothing,
 * 28x28 grayscale, 10 classes, in the IDX format of MNIST.
 *
 * loadFashionMnist() looks for the four files, raw or gzipped, in this order:
 *
 *   1. the directory the caller names (`dir`), which must then hold all four: a named directory
 *      that is missing or incomplete is an error naming it and what it lacks, never a silent
 *      fall-back to another copy;
 *   2. /usr/share/datasets/fashion-mnist, where Debian's `dataset-fashion-mnist` puts them
 *      (`apt-get install dataset-fashion-mnist`);
 *   3. the cache directory (`cacheDir`, default $XDG_CACHE_HOME or ~/.cache, then
 *      convnet-ts/fashion-mnist), downloading any missing file from the official URL
 *      (http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/, overridable with `baseUrl`
 *      or CONVNET_FASHION_MNIST_URL). Downloads are verified against the MD5 checksums the
 *      dataset publishes and written atomically (src/data/download.ts); cached files are
 *      verified again on every load, and one that fails is removed and downloaded again.
 *
 * The published MD5s are those of the .gz files as served. Debian recompresses the files, so
 * its .gz files have other digests, but their decompressed contents have the MD5s that
 * FASHION_MNIST_RAW_MD5 lists (test/data/fashion-mnist.test.ts checks this where they are
 * installed): the same data.
 */
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { InMemoryDataset } from './dataset.js';
import { downloadFile, fileDigest } from './download.js';
import type { Checksum } from './download.js';
import { readIdxDataset } from './idx.js';

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

export const FASHION_MNIST_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
export const FASHION_MNIST_URL_ENV = 'CONVNET_FASHION_MNIST_URL';
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

export type FashionMnistPart = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

/** The files' names without the .gz suffix. */
export const FASHION_MNIST_FILES: Readonly<Record<FashionMnistPart, string>> = Object.freeze({
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
});

const PARTS: readonly FashionMnistPart[] = [
  'trainImages',
  'trainLabels',
  'testImages',
  'testLabels',
];

/** MD5 of the official .gz files, as published in the dataset's README. */
export const FASHION_MNIST_CHECKSUMS: Readonly<Record<FashionMnistPart, Checksum>> = Object.freeze({
  trainImages: { algorithm: 'md5', digest: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
  trainLabels: { algorithm: 'md5', digest: '25c81989df183df01b3e8a0aad5dffbe' },
  testImages: { algorithm: 'md5', digest: 'bef4ecab320f06d8554ea6380940ec79' },
  testLabels: { algorithm: 'md5', digest: 'bb300cfdad3c16e7a12a480ee83cd310' },
});

/** MD5 of the decompressed IDX files (the same for the official and the Debian files). */
export const FASHION_MNIST_RAW_MD5: Readonly<Record<FashionMnistPart, string>> = Object.freeze({
  trainImages: 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
  trainLabels: '9018921c3c673c538a1fc5bad174d6f9',
  testImages: '8181f5470baa50b63fa0f6fddb340f0a',
  testLabels: '15d484375f8d13e6eb1aabb0c3f46965',
});

export interface FashionMnistOptions {
  /** A directory holding the four files (raw or .gz): used if given, or an error. */
  dir?: string;
  /** The system directory searched next; null to skip it. Default FASHION_MNIST_SYSTEM_DIR. */
  systemDir?: string | null;
  /** Where downloads go; default $XDG_CACHE_HOME/convnet-ts/fashion-mnist (or ~/.cache/...). */
  cacheDir?: string;
  /** Download missing files into cacheDir; default true. */
  download?: boolean;
  /** Where the .gz files are served; default $CONVNET_FASHION_MNIST_URL, else the official URL. */
  baseUrl?: string;
  /** Expected digests of the served .gz files; default FASHION_MNIST_CHECKSUMS. */
  checksums?: Partial<Record<FashionMnistPart, Checksum>>;
  /** Download timeout when the connection is silent, in ms; default 60,000. */
  timeoutMs?: number;
  /** Told what is found, verified and downloaded; default silent. */
  log?: (message: string) => void;
}

export type FashionMnistSource = 'dir' | 'system' | 'cache';

export interface FashionMnist {
  /** 60,000 images (N,1,28,28) float32 in [0,1] and their labels. */
  train: InMemoryDataset;
  /** 10,000 images and labels. */
  test: InMemoryDataset;
  /** Where the files were read from, and the path of each. */
  source: FashionMnistSource;
  files: Readonly<Record<FashionMnistPart, string>>;
}

export class FashionMnistError extends Error {
  override name = 'FashionMnistError';
}

/** The default cache directory: $XDG_CACHE_HOME or ~/.cache, then convnet-ts/fashion-mnist. */
export function defaultFashionMnistCacheDir(): string {
  const cacheHome = process.env.XDG_CACHE_HOME;
  const base = cacheHome !== undefined && cacheHome !== '' ? cacheHome : join(homedir(), '.cache');
  return join(base, 'convnet-ts', 'fashion-mnist');
}

/** The four files in `dir` (raw preferred over .gz), or the names of those missing. */
function findFiles(
  dir: string,
): { files: Record<FashionMnistPart, string> } | { missing: string[] } {
  const files: Partial<Record<FashionMnistPart, string>> = {};
  const missing: string[] = [];
  for (const part of PARTS) {
    const name = FASHION_MNIST_FILES[part];
    const found = [join(dir, name), join(dir, `${name}.gz`)].find((path) => existsSync(path));
    if (found === undefined) missing.push(`${name}(.gz)`);
    else files[part] = found;
  }
  const { trainImages, trainLabels, testImages, testLabels } = files;
  if (
    trainImages === undefined ||
    trainLabels === undefined ||
    testImages === undefined ||
    testLabels === undefined
  ) {
    return { missing };
  }
  return { files: { trainImages, trainLabels, testImages, testLabels } };
}

function joinUrl(base: string, name: string): string {
  return base.endsWith('/') ? `${base}${name}` : `${base}/${name}`;
}

/** Ensures the four .gz files are in the cache, verified, downloading what is missing or bad. */
async function fillCache(
  cacheDir: string,
  options: FashionMnistOptions,
  log: (message: string) => void,
): Promise<Record<FashionMnistPart, string>> {
  const envUrl = process.env[FASHION_MNIST_URL_ENV];
  const baseUrl =
    options.baseUrl ?? (envUrl !== undefined && envUrl !== '' ? envUrl : FASHION_MNIST_URL);
  const ensure = async (part: FashionMnistPart): Promise<string> => {
    const name = `${FASHION_MNIST_FILES[part]}.gz`;
    const path = join(cacheDir, name);
    const checksum = options.checksums?.[part] ?? FASHION_MNIST_CHECKSUMS[part];
    if (existsSync(path)) {
      const digest = await fileDigest(path, checksum.algorithm);
      if (digest === checksum.digest.toLowerCase()) return path;
      log(
        `${path}: cached file has ${checksum.algorithm} ${digest}, expected ${checksum.digest}; removing it`,
      );
      await rm(path, { force: true });
      if (options.download === false) {
        throw new FashionMnistError(
          `${path} failed its checksum and downloading is off (download: false); delete it or allow the download`,
        );
      }
    }
    const url = joinUrl(baseUrl, name);
    log(`downloading ${url} -> ${path}`);
    await downloadFile(url, path, { checksum, timeoutMs: options.timeoutMs });
    return path;
  };
  return {
    trainImages: await ensure('trainImages'),
    trainLabels: await ensure('trainLabels'),
    testImages: await ensure('testImages'),
    testLabels: await ensure('testLabels'),
  };
}

/**
 * Finds (or downloads) and reads Fashion-MNIST: train and test datasets of (N,1,28,28) images
 * in [0,1], labels 0..9 (FASHION_MNIST_CLASS_NAMES).
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<FashionMnist> {
  const log = options.log ?? ((): void => undefined);
  const systemDir = options.systemDir === undefined ? FASHION_MNIST_SYSTEM_DIR : options.systemDir;
  const cacheDir = options.cacheDir ?? defaultFashionMnistCacheDir();
  const looked: string[] = [];
  const candidates: [string | undefined | null, FashionMnistSource][] = [
    [options.dir, 'dir'],
    [systemDir, 'system'],
  ];
  if (options.dir !== undefined) {
    const dir = options.dir;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new FashionMnistError(
        `Fashion-MNIST directory ${dir}: ${existsSync(dir) ? 'not a directory' : 'no such directory'}. Name the directory holding ${PARTS.map((part) => `${FASHION_MNIST_FILES[part]}(.gz)`).join(', ')}, or leave it out to use the system copy or a download.`,
      );
    }
    const result = findFiles(dir);
    if ('missing' in result) {
      throw new FashionMnistError(
        `Fashion-MNIST directory ${dir} is incomplete: missing ${result.missing.join(', ')}. Add them, or leave the directory out to use the system copy or a download.`,
      );
    }
  }
  let found: { files: Record<FashionMnistPart, string>; source: FashionMnistSource } | null = null;
  for (const [dir, source] of candidates) {
    if (dir === undefined || dir === null) continue;
    const result = findFiles(dir);
    if ('files' in result) {
      found = { files: result.files, source };
      break;
    }
    looked.push(`${dir} (missing ${result.missing.join(', ')})`);
    log(`${dir}: missing ${result.missing.join(', ')}; looking further`);
  }
  if (found === null) {
    const missing = PARTS.map((part) => `${FASHION_MNIST_FILES[part]}.gz`).filter(
      (name) => !existsSync(join(cacheDir, name)),
    );
    if (missing.length > 0 && options.download === false) {
      looked.push(`${cacheDir} (missing ${missing.join(', ')})`);
      throw new FashionMnistError(
        `Fashion-MNIST not found. Looked in: ${looked.join('; ')}. Install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist), pass the directory holding the files, or allow the download.`,
      );
    }
    found = { files: await fillCache(cacheDir, options, log), source: 'cache' };
  }
  const { files, source } = found;
  log(`reading Fashion-MNIST from ${dirname(files.trainImages)}`);
  const classNames = FASHION_MNIST_CLASS_NAMES;
  const train = readIdxDataset(files.trainImages, files.trainLabels, { classNames });
  const test = readIdxDataset(files.testImages, files.testLabels, { classNames });
  const [, trainH, trainW] = train.imageShape;
  const [, testH, testW] = test.imageShape;
  if (trainH !== testH || trainW !== testW) {
    throw new FashionMnistError(
      `${files.trainImages} holds ${trainH}x${trainW} images but ${files.testImages} holds ${testH}x${testW}`,
    );
  }
  return { train, test, source, files };
}
