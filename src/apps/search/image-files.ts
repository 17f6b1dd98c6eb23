/**
 * A folder of the user's own images, for indexing and as queries (Node). The folder is walked
 * recursively; files ending in .png, .jpg or .jpeg (any case) are images, sorted by path (code
 * point); hidden entries are skipped. When no image lies directly in the folder, it is read as
 * class-per-subfolder: each image's label is its top-level subfolder's name (classes sorted);
 * otherwise the images have no labels.
 *
 * An image is taken as it is: it must already have the model's size, and a colour image is
 * refused by a grayscale model, each an error naming the file. With `resize`, images are instead
 * resized bilinearly (stretched) to the model's size and converted to its channels (luma for
 * grayscale), as training on image folders does. Grayscale images serve an RGB model as they are
 * (R = G = B). Values are in [0,1]; the model's normalisation is applied by embed.ts.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ImageShape } from '../../data/dataset.js';
import {
  ImageError,
  decodeImage,
  rgbaToChannels,
  type ImageChannels,
  type RgbaImage,
} from '../../data/image-folder.js';
import { resizeBilinear } from '../../data/resize.js';
import type { ImageSource } from './embed.js';

const IMAGE_NAME = /\.(png|jpe?g)$/i;

/** The images of a folder (see the top of the file). */
export interface ImageFolderListing {
  /** Absolute path of the folder. */
  root: string;
  /** Each image's path relative to root, sorted. */
  files: string[];
  /** Class names (top-level subfolders) when the folder is class-per-subfolder, else null. */
  classNames: string[] | null;
  /** Each image's class index, or -1 for all when classNames is null. */
  labels: Int32Array;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function walk(root: string, dir: string, found: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new ImageError(`${dir}: cannot read the folder (${(error as Error).message})`);
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(root, path, found);
    else if (IMAGE_NAME.test(entry.name)) found.push(relative(root, path));
  }
}

/** Lists a folder's images, recursively, with labels when it is class-per-subfolder. */
export function listImageFolder(root: string): ImageFolderListing {
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch (error) {
    throw new ImageError(`${root}: no such folder (${(error as Error).message})`);
  }
  if (!isDirectory) throw new ImageError(`${root} is a file, not a folder of images (--images)`);
  const files: string[] = [];
  walk(root, root, files);
  files.sort(byCodePoint);
  if (files.length === 0)
    throw new ImageError(`${root}: no images (.png, .jpg or .jpeg files, searched recursively)`);
  const nested = files.every((f) => f.includes(sep));
  if (!nested)
    return { root, files, classNames: null, labels: new Int32Array(files.length).fill(-1) };
  const top = files.map((f) => f.slice(0, f.indexOf(sep)));
  const classNames = [...new Set(top)].sort(byCodePoint);
  const index = new Map(classNames.map((c, i) => [c, i]));
  return { root, files, classNames, labels: Int32Array.from(top, (c) => index.get(c) as number) };
}

function hasColour({ rgba }: RgbaImage): boolean {
  for (let p = 0; p < rgba.length; p += 4)
    if (rgba[p] !== rgba[p + 1] || rgba[p + 1] !== rgba[p + 2]) return true;
  return false;
}

const CHANNEL_NAMES = { 1: 'grayscale (1 channel)', 3: 'RGB (3 channels)' } as const;

/**
 * Reads one image file as the model's input (C,H,W) in [0,1] into `out` (see the top of the
 * file); errors name the file.
 */
export function readModelImage(
  path: string,
  [C, H, W]: ImageShape,
  resize: boolean,
  out: Float32Array = new Float32Array(C * H * W),
): Float32Array {
  if (C !== 1 && C !== 3) throw new Error(`the model takes ${C} channels; image files give 1 or 3`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ImageError(`${path}: cannot read the file (${(error as Error).message})`);
  }
  const image = decodeImage(bytes, path);
  if (!resize) {
    if (image.width !== W || image.height !== H)
      throw new ImageError(
        `${path} is ${image.width}x${image.height}, but the model takes ${W}x${H} images: resize them first, or pass --resize`,
      );
    if (C === 1 && hasColour(image))
      throw new ImageError(
        `${path} is a colour image, but the model takes ${CHANNEL_NAMES[1]}: convert it first, or pass --resize (which also converts to grayscale)`,
      );
  }
  const pixels = rgbaToChannels(image, C as ImageChannels);
  if (image.width === W && image.height === H) out.set(pixels);
  else resizeBilinear(out, pixels, [C, image.height, image.width], [H, W]);
  return out;
}

/** The folder's images as an embedding source: each batch read from its files. */
export function imageFileSource(
  listing: ImageFolderListing,
  imageShape: ImageShape,
  resize: boolean,
): ImageSource {
  const [C, H, W] = imageShape;
  const stride = C * H * W;
  let staging = new Float32Array(0);
  return {
    count: listing.files.length,
    imageShape,
    load(from, count) {
      if (staging.length < count * stride) staging = new Float32Array(count * stride);
      for (let i = 0; i < count; i++) {
        const path = join(listing.root, listing.files[from + i]);
        readModelImage(path, imageShape, resize, staging.subarray(i * stride, (i + 1) * stride));
      }
      return Promise.resolve();
    },
    fill(pixels, _from, count) {
      pixels.set(staging.subarray(0, count * stride));
    },
  };
}
