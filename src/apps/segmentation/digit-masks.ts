/**
 * digit-masks: seeded scenes of handwritten digits with a class for every pixel, in the spirit
 * of M2NIST (64x84 canvases, up to three digits, eleven classes).
 *
 *   classes   0 background, 1 + d for digit d (class 1 is the digit 0, class 10 the digit 9)
 *
 * Each scene: a black H x W canvas; a number of digits drawn uniformly from 1..maxDigits; for
 * each, a digit image from the pool (uniformly), scaled bilinearly (src/data/resize.ts) to a side
 * drawn uniformly from [minSize, maxSize], and placed at a uniform position where the box around
 * its ink (pixels > inkThreshold) overlaps no digit already placed (up to 20 positions are
 * tried; a digit that finds none is left out). The image is the pixelwise maximum of the scaled
 * digits; the mask labels a pixel 1 + d where digit d's scaled ink is above inkThreshold, 0
 * elsewhere (the faint anti-aliased rim below the threshold is background).
 *
 * Everything is drawn from one Rng seeded with `seed`, in a fixed order, so the same pool, seed
 * and options give the same scenes bit for bit. digitMasksSplits (digit-masks-node.ts) draws
 * the training scenes from the embedded MNIST training digits and the test scenes from the
 * held-out test digits only. Browser-safe: no file system here.
 */
import type { InMemoryDataset } from '../../data/dataset.js';
import { resizeImage } from '../../data/resize.js';
import { Rng } from '../../rng.js';
import { SegmentationSet } from './segmentation-set.js';

export const DIGIT_MASK_CLASS_NAMES: readonly string[] = Object.freeze([
  'background',
  ...Array.from({ length: 10 }, (_, d) => String(d)),
]);

export interface DigitMasksOptions {
  /** Scenes to draw; default 1000. */
  count?: number;
  /** Default 0. */
  seed?: number;
  /** Canvas height; default 64. */
  height?: number;
  /** Canvas width; default 84. */
  width?: number;
  /** At most this many digits per scene (at least 1); default 3. */
  maxDigits?: number;
  /** The side a 28x28 digit is scaled to is drawn from [minSize, maxSize]; default 22. */
  minSize?: number;
  /** Default 34. */
  maxSize?: number;
  /** A scaled digit's pixel above this is its ink (its class in the mask); default 0.5. */
  inkThreshold?: number;
}

export const DIGIT_MASKS_DEFAULTS: Required<DigitMasksOptions> = {
  count: 1000,
  seed: 0,
  height: 64,
  width: 84,
  maxDigits: 3,
  minSize: 22,
  maxSize: 34,
  inkThreshold: 0.5,
};

const PLACEMENT_TRIES = 20;

interface Box {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function checkOptions(o: Required<DigitMasksOptions>): void {
  const ints: [string, number, number][] = [
    ['count', o.count, 0],
    ['height', o.height, 1],
    ['width', o.width, 1],
    ['maxDigits', o.maxDigits, 1],
    ['minSize', o.minSize, 1],
    ['maxSize', o.maxSize, o.minSize],
  ];
  for (const [name, value, min] of ints) {
    if (!Number.isSafeInteger(value) || value < min) {
      throw new RangeError(`digitMasks: ${name} must be an integer >= ${min}, got ${value}`);
    }
  }
  if (o.maxSize > Math.min(o.height, o.width)) {
    throw new RangeError(
      `digitMasks: maxSize ${o.maxSize} does not fit the ${o.height}x${o.width} canvas`,
    );
  }
  if (!(o.inkThreshold >= 0 && o.inkThreshold < 1)) {
    throw new RangeError(`digitMasks: inkThreshold must be in [0, 1), got ${o.inkThreshold}`);
  }
  if (!Number.isInteger(o.seed)) {
    throw new RangeError(`digitMasks: seed must be an integer, got ${o.seed}`);
  }
}

/** The box around the pixels above threshold of a size x size digit, or null if it has none. */
function inkBox(pixels: Float32Array, size: number, threshold: number): Box | null {
  let top = size;
  let left = size;
  let bottom = -1;
  let right = -1;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (pixels[r * size + c] > threshold) {
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
        left = Math.min(left, c);
        right = Math.max(right, c);
      }
    }
  }
  return bottom < 0 ? null : { top, left, bottom, right };
}

const overlaps = (a: Box, b: Box): boolean =>
  a.top <= b.bottom && b.top <= a.bottom && a.left <= b.right && b.left <= a.right;

/**
 * Draws `count` scenes from the digits of `pool` (28x28, one channel, values in [0,1], labels
 * 0..9); see the top of this file.
 */
export function generateDigitMasks(
  pool: InMemoryDataset,
  options: DigitMasksOptions = {},
): SegmentationSet {
  const o = { ...DIGIT_MASKS_DEFAULTS, ...options };
  checkOptions(o);
  const [C, DH, DW] = pool.imageShape;
  if (C !== 1 || pool.length === 0) {
    throw new RangeError(
      `digitMasks: the pool must hold one-channel digits, got ${pool.length} of (${C},${DH},${DW})`,
    );
  }
  const { count, height: H, width: W } = o;
  const images = new Float32Array(count * H * W);
  const masks = new Uint8Array(count * H * W);
  const rng = new Rng(o.seed);
  const digitPixels = DH * DW;
  for (let n = 0; n < count; n++) {
    const image = images.subarray(n * H * W, (n + 1) * H * W);
    const mask = masks.subarray(n * H * W, (n + 1) * H * W);
    const placed: Box[] = [];
    const digits = 1 + rng.int(o.maxDigits);
    for (let t = 0; t < digits; t++) {
      const index = rng.int(pool.length);
      const size = o.minSize + rng.int(o.maxSize - o.minSize + 1);
      const source = pool.images.data.subarray(index * digitPixels, (index + 1) * digitPixels);
      const scaled = resizeImage(source, [1, DH, DW], [size, size]);
      const ink = inkBox(scaled, size, o.inkThreshold);
      if (ink === null) continue;
      const cls = 1 + pool.labels[index];
      for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
        const top = rng.int(H - size + 1);
        const left = rng.int(W - size + 1);
        const box = {
          top: top + ink.top,
          left: left + ink.left,
          bottom: top + ink.bottom,
          right: left + ink.right,
        };
        if (placed.some((other) => overlaps(box, other))) continue;
        placed.push(box);
        for (let r = 0; r < size; r++) {
          for (let c = 0; c < size; c++) {
            const v = scaled[r * size + c];
            const at = (top + r) * W + left + c;
            if (v > image[at]) image[at] = v;
            if (v > o.inkThreshold) mask[at] = cls;
          }
        }
        break;
      }
    }
  }
  return new SegmentationSet(images, masks, [count, 1, H, W], DIGIT_MASK_CLASS_NAMES, 'digitMasks');
}
