/**
 * Segmentation data as a folder of image/mask PNG pairs, so a user brings their own data and a
 * PyTorch script reads ours:
 *
 *   root/images/<stem>.png|.jpg|.jpeg     the images (any size; RGB or grayscale)
 *   root/masks/<stem>.png                 its class mask, the same size (mask-png.ts: an indexed
 *                                         PNG or 8-bit grayscale; 255 = ignored)
 *   root/classes.json                     optional: ["background", "0", ...], one name per class
 *
 * Pascal VOC's own layout, root/JPEGImages + root/SegmentationClass, is read too (the images
 * that have a mask: VOC ships more images than masks). Pairs are matched by file stem and read
 * in sorted order. An image without a mask (outside VOC's layout), a mask without an image, a
 * mask whose size differs from its image's, or a value that is not a class: each an error
 * naming the file.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ImageError, imageFromBytes, type ImageChannels } from '../../data/image-folder.js';
import { decodeMaskPng, encodeImagePng, encodeMaskPng, MaskError } from './mask-png.js';
import { IGNORE_INDEX, MAX_SEGMENTATION_CLASSES, SegmentationSet } from './segmentation-set.js';

/** One image and its mask. */
export interface SegmentationPair {
  /** The file stem both share. */
  name: string;
  imagePath: string;
  maskPath: string;
  /** (C,H,W) in [0,1]. */
  pixels: Float32Array;
  shape: readonly [number, number, number];
  /** (H,W) class values. */
  mask: Uint8Array;
}

export interface SegmentationFolder {
  pairs: SegmentationPair[];
  classNames: readonly string[];
}

export interface ReadSegmentationFolderOptions {
  /** 1 (grayscale) or 3 (RGB); default 1. */
  channels?: ImageChannels;
  /** The class names; default root/classes.json, else '0', '1', ... up to the largest value. */
  classNames?: readonly string[];
}

const IMAGE_FILE = /\.(png|jpe?g)$/i;
export const CLASSES_FILE = 'classes.json';

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function listFiles(dir: string, pattern: RegExp): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.') || !pattern.test(entry.name)) continue;
    const stem = basename(entry.name, extname(entry.name));
    const other = files.get(stem);
    if (other !== undefined) {
      throw new ImageError(`${join(dir, entry.name)}: ${other} has the same stem '${stem}'`);
    }
    files.set(stem, entry.name);
  }
  return files;
}

function readClassNames(path: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `${path}: not readable JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (
    !Array.isArray(value) ||
    value.length < 1 ||
    value.length > MAX_SEGMENTATION_CLASSES ||
    !value.every((v) => typeof v === 'string')
  ) {
    throw new Error(
      `${path}: expected an array of 1 to ${MAX_SEGMENTATION_CLASSES} class names (strings)`,
    );
  }
  return value as string[];
}

/** The images and masks folders of root: images/ + masks/, or VOC's pair. */
function layoutOf(root: string): { images: string; masks: string; voc: boolean } {
  if (existsSync(join(root, 'images')) && existsSync(join(root, 'masks'))) {
    return { images: join(root, 'images'), masks: join(root, 'masks'), voc: false };
  }
  if (existsSync(join(root, 'JPEGImages')) && existsSync(join(root, 'SegmentationClass'))) {
    return {
      images: join(root, 'JPEGImages'),
      masks: join(root, 'SegmentationClass'),
      voc: true,
    };
  }
  throw new ImageError(
    `${root}: not a segmentation folder: expected images/ and masks/ (or VOC's JPEGImages/ and SegmentationClass/)`,
  );
}

/** Reads every image/mask pair of root (see the top of this file). */
export function readSegmentationFolder(
  root: string,
  { channels = 1, classNames: given }: ReadSegmentationFolderOptions = {},
): SegmentationFolder {
  const layout = layoutOf(root);
  const classesPath = join(root, CLASSES_FILE);
  const named = given ?? (existsSync(classesPath) ? readClassNames(classesPath) : undefined);
  const images = listFiles(layout.images, IMAGE_FILE);
  const masks = listFiles(layout.masks, /\.png$/i);
  for (const [stem, file] of masks) {
    if (!images.has(stem)) {
      throw new ImageError(`${join(layout.masks, file)}: no image '${stem}' in ${layout.images}`);
    }
  }
  if (!layout.voc) {
    for (const [stem, file] of images) {
      if (!masks.has(stem)) {
        throw new ImageError(
          `${join(layout.images, file)}: no mask ${stem}.png in ${layout.masks}`,
        );
      }
    }
  }
  const stems = [...masks.keys()].sort(byCodePoint);
  if (stems.length === 0) throw new ImageError(`${root}: no image/mask pairs`);
  const pairs = stems.map((name): SegmentationPair => {
    const imagePath = join(layout.images, images.get(name) ?? '');
    const maskPath = join(layout.masks, masks.get(name) ?? '');
    const image = imageFromBytes(readFileSync(imagePath), imagePath, { channels });
    const decoded = decodeMaskPng(readFileSync(maskPath), maskPath, named?.length);
    const [, H, W] = image.shape;
    if (decoded.height !== H || decoded.width !== W) {
      throw new MaskError(
        `${maskPath}: the mask is ${decoded.width}x${decoded.height} but its image ${imagePath} is ${W}x${H}`,
      );
    }
    return {
      name,
      imagePath,
      maskPath,
      pixels: image.pixels,
      shape: image.shape,
      mask: decoded.mask,
    };
  });
  let classNames = named;
  if (classNames === undefined) {
    let largest = 0;
    for (const { mask } of pairs) {
      for (const v of mask) if (v !== IGNORE_INDEX && v > largest) largest = v;
    }
    classNames = Array.from({ length: largest + 1 }, (_, k) => String(k));
  }
  return { pairs, classNames };
}

/** The pairs as one SegmentationSet; every image must have the first one's size. */
export function segmentationSetFromFolder({
  pairs,
  classNames,
}: SegmentationFolder): SegmentationSet {
  const [C, H, W] = pairs[0].shape;
  const images = new Float32Array(pairs.length * C * H * W);
  const masks = new Uint8Array(pairs.length * H * W);
  pairs.forEach((pair, i) => {
    const [c, h, w] = pair.shape;
    if (c !== C || h !== H || w !== W) {
      throw new ImageError(
        `${pair.imagePath}: is ${w}x${h} but ${pairs[0].imagePath} is ${W}x${H}; a training set needs one size (evaluation takes images of every size)`,
      );
    }
    images.set(pair.pixels, i * C * H * W);
    masks.set(pair.mask, i * H * W);
  });
  return new SegmentationSet(
    images,
    masks,
    [pairs.length, C, H, W],
    classNames,
    'segmentation folder',
  );
}

/**
 * Writes a set as root/images/<i>.png, root/masks/<i>.png (8-bit grayscale classes) and
 * root/classes.json, i zero-padded to six digits; returns the number of pairs written.
 */
export function writeSegmentationFolder(root: string, set: SegmentationSet): number {
  const [C, H, W] = set.imageShape;
  mkdirSync(join(root, 'images'), { recursive: true });
  mkdirSync(join(root, 'masks'), { recursive: true });
  for (let i = 0; i < set.length; i++) {
    const stem = String(i).padStart(6, '0');
    const pixels = set.images.subarray(i * C * H * W, (i + 1) * C * H * W);
    writeFileSync(join(root, 'images', `${stem}.png`), encodeImagePng(pixels, [C, H, W]));
    const mask = set.masks.subarray(i * H * W, (i + 1) * H * W);
    writeFileSync(join(root, 'masks', `${stem}.png`), encodeMaskPng(mask, W, H));
  }
  writeFileSync(join(root, CLASSES_FILE), `${JSON.stringify(set.classNames)}\n`);
  return set.length;
}
