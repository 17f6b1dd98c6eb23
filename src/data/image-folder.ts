/**
 * Image files and image-folder datasets.
 *
 * A folder dataset is laid out one subfolder per class, as torchvision's ImageFolder reads it:
 *
 *   root/cat/001.png
 *   root/cat/002.jpg
 *   root/dog/a.jpeg
 *
 * Class names are the subfolder names sorted by code point (so `cat` is 0 and `dog` is 1 on
 * every machine). Within a class folder, files ending in .png, .jpg or .jpeg (any case) are
 * images, read in sorted order; other files, hidden entries and nested folders are skipped
 * and listed in `skipped`, as are files beside the class folders in the root. Images are decoded by pngjs and jpeg-js (the format is told by the
 * file's first bytes, not its name), converted to grayscale or RGB, scaled to [0,1] and resized
 * bilinearly (src/data/resize.ts). Alpha is dropped, as PIL's convert('RGB') does.
 *
 * An image whose header declares more than MAX_IMAGE_PIXELS pixels (src/data/image-size.ts) is
 * refused before it is decoded, so a small file cannot make the decoder allocate gigabytes.
 *
 * Every failure names the path: a file that is not a readable image (with its class folder),
 * an empty root, a class folder without images, images of different sizes without `size`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { Tensor } from '../tensor.js';
import { InMemoryDataset } from './dataset.js';
import type { ImageShape } from './dataset.js';
import { checkImageSize, ImageTooLargeError, MAX_IMAGE_PIXELS } from './image-size.js';
import { resizeBilinear } from './resize.js';

export type ImageChannels = 1 | 3;

/** A file that cannot be read or decoded as an image, or a folder that holds none. */
export class ImageError extends Error {
  override name = 'ImageError';
}

/** Decoded pixels: 8-bit RGBA, row-major, (height, width, 4). */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export interface ImageReadOptions {
  /** 1 for grayscale (ITU-R 601 luma, as PIL's convert('L')), 3 for RGB; default 3. */
  channels?: ImageChannels;
  /** Resize to this (height, width), or a square of this side; default: keep the file's size. */
  size?: number | readonly [number, number];
  /** Widen the resize filter when shrinking (src/data/resize.ts); default true. */
  antialias?: boolean;
  /**
   * Refuse, before decoding, an image whose header declares more pixels than this; default
   * MAX_IMAGE_PIXELS (src/data/image-size.ts).
   */
  maxPixels?: number;
}

const IMAGE_EXTENSIONS = /\.(png|jpe?g)$/i;

function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.length >= 8 && signature.every((b, i) => bytes[i] === b);
}

function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Decodes PNG or JPEG bytes to 8-bit RGBA. `name` (normally the path) is used in errors.
 * Truncated or corrupt files are rejected, never returned half-decoded; an image whose header
 * declares more than maxPixels pixels is rejected before decoding.
 */
export function decodeImage(
  bytes: Uint8Array,
  name: string,
  maxPixels: number = MAX_IMAGE_PIXELS,
): RgbaImage {
  try {
    checkImageSize(bytes, name, maxPixels);
  } catch (error) {
    if (error instanceof ImageTooLargeError) throw new ImageError(error.message, { cause: error });
    throw error;
  }
  let decoded: { width: number; height: number; data: Uint8Array };
  const format = isPng(bytes) ? 'PNG' : isJpeg(bytes) ? 'JPEG' : null;
  if (format === null) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0'));
    throw new ImageError(
      `${name}: not a readable image: neither PNG nor JPEG (starts with ${head.join(' ') || 'nothing'})`,
    );
  }
  try {
    decoded =
      format === 'PNG'
        ? PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
        : jpeg.decode(bytes, {
            useTArray: true,
            formatAsRGBA: true,
            tolerantDecoding: false,
            // The same budget inside the decoder, for frames the header scan did not see.
            maxResolutionInMP: maxPixels / 1e6,
            maxMemoryUsageInMB: Math.ceil((maxPixels * 4) / 2 ** 20) + 64,
          });
  } catch (error) {
    throw new ImageError(
      `${name}: not a readable image: corrupt or truncated ${format} (${reasonOf(error)})`,
    );
  }
  const { width, height, data } = decoded;
  if (width < 1 || height < 1 || data.length !== width * height * 4) {
    throw new ImageError(
      `${name}: not a readable image: decoded ${data.length} bytes for ${width}x${height} RGBA`,
    );
  }
  return { width, height, rgba: data };
}

/** RGBA bytes (H,W,4) -> (C,H,W) floats in [0,1]: RGB, or luma for one channel. */
export function rgbaToChannels(image: RgbaImage, channels: ImageChannels): Float32Array {
  const { width, height, rgba } = image;
  const plane = width * height;
  const out = new Float32Array(channels * plane);
  for (let p = 0; p < plane; p++) {
    const r = rgba[4 * p];
    const g = rgba[4 * p + 1];
    const b = rgba[4 * p + 2];
    if (channels === 1) {
      out[p] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    } else {
      out[p] = r / 255;
      out[plane + p] = g / 255;
      out[2 * plane + p] = b / 255;
    }
  }
  return out;
}

function sizePair(size: number | readonly [number, number]): readonly [number, number] {
  const pair = typeof size === 'number' ? ([size, size] as const) : size;
  if (pair.length !== 2 || !pair.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(
      `image size must be positive integers (height, width), got ${String(size)}`,
    );
  }
  return pair;
}

/** An image as (C,H,W) floats in [0,1], and its shape. */
export interface LoadedImage {
  pixels: Float32Array;
  shape: ImageShape;
}

/** Decodes image bytes and converts them to (C,H,W) floats at the requested size. */
export function imageFromBytes(
  bytes: Uint8Array,
  name: string,
  { channels = 3, size, antialias = true, maxPixels = MAX_IMAGE_PIXELS }: ImageReadOptions = {},
): LoadedImage {
  const image = decodeImage(bytes, name, maxPixels);
  const pixels = rgbaToChannels(image, channels);
  const shape: ImageShape = [channels, image.height, image.width];
  if (size === undefined) return { pixels, shape };
  const [OH, OW] = sizePair(size);
  if (OH === image.height && OW === image.width) return { pixels, shape };
  const resized = new Float32Array(channels * OH * OW);
  resizeBilinear(resized, pixels, shape, [OH, OW], { antialias });
  return { pixels: resized, shape: [channels, OH, OW] };
}

/** Reads one PNG or JPEG file as (C,H,W) floats in [0,1] (for prediction on single files). */
export function loadImage(path: string, options: ImageReadOptions = {}): LoadedImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ImageError(`${path}: cannot read the file (${reasonOf(error)})`);
  }
  return imageFromBytes(bytes, path, options);
}

/** An image-folder dataset: the images, their source files, and what was skipped. */
export class ImageFolderDataset extends InMemoryDataset {
  /** The path of image i. */
  readonly files: readonly string[];
  /** Paths in the class folders that were not read (not .png/.jpg/.jpeg, hidden, folders). */
  readonly skipped: readonly string[];

  constructor(
    images: Tensor,
    labels: Int32Array,
    classNames: readonly string[],
    files: readonly string[],
    skipped: readonly string[],
  ) {
    super(images, labels, classNames);
    this.files = Object.freeze([...files]);
    this.skipped = Object.freeze([...skipped]);
  }
}

function listDir(path: string, what: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch (error) {
    throw new ImageError(`${path}: cannot read the ${what} (${reasonOf(error)})`);
  }
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Reads `root/<class>/*.png|jpg|jpeg` into memory: images (N,C,H,W) float32 in [0,1], labels
 * the index of the class folder among the sorted folder names. Without `size`, every image
 * must already have the size of the first one.
 */
export function loadImageFolder(root: string, options: ImageReadOptions = {}): ImageFolderDataset {
  const channels = options.channels ?? 3;
  const rootEntries = listDir(root, 'image folder root');
  const classNames = rootEntries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort(byCodePoint);
  if (classNames.length === 0) {
    throw new ImageError(
      `${root}: no class folders; expected one subfolder per class holding its images (root/<class>/*.png|jpg|jpeg)`,
    );
  }
  const files: string[] = [];
  const fileLabels: number[] = [];
  // Files beside the class folders are listed too (hidden entries such as .git are not).
  const skipped: string[] = rootEntries
    .filter((entry) => !entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => join(root, entry.name))
    .sort(byCodePoint);
  classNames.forEach((className, label) => {
    const folder = join(root, className);
    let found = 0;
    const entries = listDir(folder, 'class folder').sort((a, b) => byCodePoint(a.name, b.name));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.name.startsWith('.') || !IMAGE_EXTENSIONS.test(entry.name) || entry.isDirectory()) {
        skipped.push(path);
        continue;
      }
      files.push(path);
      fileLabels.push(label);
      found++;
    }
    if (found === 0) {
      throw new ImageError(
        `${folder}: class "${className}" has no images (.png, .jpg or .jpeg files)`,
      );
    }
  });

  let shape: ImageShape | null = null;
  let pixels = new Float32Array(0);
  for (let i = 0; i < files.length; i++) {
    const path = files[i];
    const className = classNames[fileLabels[i]];
    let image: LoadedImage;
    try {
      image = loadImage(path, { ...options, channels });
    } catch (error) {
      throw new ImageError(`${reasonOf(error)} (in class folder "${className}")`);
    }
    if (shape === null) {
      shape = image.shape;
      pixels = new Float32Array(files.length * image.pixels.length);
    } else if (image.shape[1] !== shape[1] || image.shape[2] !== shape[2]) {
      throw new ImageError(
        `${path} (class "${className}") is ${image.shape[2]}x${image.shape[1]} but ${files[0]} is ${shape[2]}x${shape[1]}; pass size to resize all images to one size`,
      );
    }
    pixels.set(image.pixels, i * image.pixels.length);
  }
  if (shape === null) throw new ImageError(`${root}: no images`);
  const [C, H, W] = shape;
  return new ImageFolderDataset(
    new Tensor(pixels, [files.length, C, H, W]),
    Int32Array.from(fileLabels),
    classNames,
    files,
    skipped,
  );
}
