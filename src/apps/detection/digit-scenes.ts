/**
 * digit-scenes: a seeded, deterministic detection dataset made from MNIST digits. Each scene is
 * a grayscale canvas (default 96x96, black) holding 1 to 5 digits, each scaled (bilinear,
 * src/data/resize.ts) to a square side drawn uniformly from [minDigitSize, maxDigitSize] pixels
 * and pasted (pixelwise max, so strokes stay white on black) where its ink box overlaps no
 * earlier digit's by more than maxOverlap IoU. Optional clutter (small fragments of other digits,
 * placed clear of every labelled box) and Gaussian pixel noise make it harder.
 *
 * A box is the tight box of a digit's ink after scaling: the pixels >= INK_THRESHOLD. Pixels are
 * rounded to 8-bit levels (k / 255), so a scene written as PNG reads back the same.
 *
 * Scene i depends only on (seed, i) and the digits, never on how many scenes are asked for, so a
 * set can be regenerated or extended exactly. Train scenes take the training digits and test
 * scenes the held-out digits only (digitScenes does this with the embedded split).
 */
import type { ImageSet } from '../../data/mnist-digits.js';
import { resizeImage } from '../../data/resize.js';
import { Rng } from '../../rng.js';
import { boxIou, type Box } from './boxes.js';

/** A scaled digit's pixels at or above this count as ink (and set its box). */
export const INK_THRESHOLD = 0.2;

export interface SceneObject {
  box: Box;
  /** Class index (the digit). */
  label: number;
}

export interface Scene {
  width: number;
  height: number;
  /** (height, width) grayscale pixels in [0, 1], row-major. */
  pixels: Float32Array;
  objects: SceneObject[];
}

export interface DigitScenesOptions {
  /** Seeds every choice; default 0. */
  seed?: number;
  /** Canvas side, or [height, width]; default 96. */
  size?: number | readonly [number, number];
  /** Digits per scene, drawn uniformly from [minDigits, maxDigits]; default 1 and 5. */
  minDigits?: number;
  maxDigits?: number;
  /** Side of a scaled digit (the 28x28 MNIST square), in pixels; default 16 and 40. */
  minDigitSize?: number;
  maxDigitSize?: number;
  /** The most IoU a new digit's box may have with an earlier one's; default 0.1. */
  maxOverlap?: number;
  /** Unlabelled digit fragments per scene, 0 to this many; default 0. */
  clutter?: number;
  /** Standard deviation of Gaussian pixel noise added (then clamped to [0, 1]); default 0. */
  noise?: number;
}

interface CheckedOptions {
  seed: number;
  height: number;
  width: number;
  minDigits: number;
  maxDigits: number;
  minDigitSize: number;
  maxDigitSize: number;
  maxOverlap: number;
  clutter: number;
  noise: number;
}

/** Placement tries per digit before the scene is left with fewer digits. */
const PLACEMENT_TRIES = 50;
const CLUTTER_MIN = 5;
const CLUTTER_MAX = 9;

function checkOptions(options: DigitScenesOptions): CheckedOptions {
  const {
    seed = 0,
    size = 96,
    minDigits = 1,
    maxDigits = 5,
    minDigitSize = 16,
    maxDigitSize = 40,
    maxOverlap = 0.1,
    clutter = 0,
    noise = 0,
  } = options;
  const [height, width] = typeof size === 'number' ? [size, size] : size;
  const integer = (value: number, name: string, min: number): void => {
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(`digitScenes: ${name} must be an integer >= ${min}, got ${value}`);
    }
  };
  integer(seed, 'seed', -(2 ** 31));
  integer(height, 'size (height)', 8);
  integer(width, 'size (width)', 8);
  integer(minDigits, 'minDigits', 1);
  integer(maxDigits, 'maxDigits', minDigits);
  integer(minDigitSize, 'minDigitSize', 4);
  integer(maxDigitSize, 'maxDigitSize', minDigitSize);
  integer(clutter, 'clutter', 0);
  if (maxDigitSize > Math.min(height, width)) {
    throw new RangeError(
      `digitScenes: maxDigitSize ${maxDigitSize} does not fit a ${height}x${width} canvas`,
    );
  }
  if (!(maxOverlap >= 0 && maxOverlap <= 1)) {
    throw new RangeError(`digitScenes: maxOverlap must be in [0, 1], got ${maxOverlap}`);
  }
  if (!(noise >= 0 && Number.isFinite(noise))) {
    throw new RangeError(`digitScenes: noise must be a finite number >= 0, got ${noise}`);
  }
  return {
    seed,
    height,
    width,
    minDigits,
    maxDigits,
    minDigitSize,
    maxDigitSize,
    maxOverlap,
    clutter,
    noise,
  };
}

/** The tight box of the ink in a (side, side) patch, relative to the patch; null if none. */
function inkBox(patch: Float32Array, side: number): Box | null {
  let x1 = side;
  let y1 = side;
  let x2 = -1;
  let y2 = -1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (patch[y * side + x] >= INK_THRESHOLD) {
        if (x < x1) x1 = x;
        if (x > x2) x2 = x;
        if (y < y1) y1 = y;
        if (y > y2) y2 = y;
      }
    }
  }
  return x2 < 0 ? null : { x1, y1, x2: x2 + 1, y2: y2 + 1 };
}

/** Pastes a (ph, pw) patch with its top-left at (left, top), pixelwise max, clipped to the canvas. */
function paste(
  canvas: Float32Array,
  [height, width]: readonly [number, number],
  patch: ArrayLike<number>,
  [ph, pw]: readonly [number, number],
  left: number,
  top: number,
): void {
  for (let y = 0; y < ph; y++) {
    const cy = top + y;
    if (cy < 0 || cy >= height) continue;
    for (let x = 0; x < pw; x++) {
      const cx = left + x;
      if (cx < 0 || cx >= width) continue;
      const v = patch[y * pw + x];
      if (v > canvas[cy * width + cx]) canvas[cy * width + cx] = v;
    }
  }
}

/** The seed of scene `index` of a set seeded `seed`: independent of the set's length. */
function sceneSeed(seed: number, index: number): number {
  return (seed ^ Math.imul(index + 1, 0x9e3779b1)) | 0;
}

function checkDigits(digits: ImageSet): void {
  const [N, C, H, W] = digits.images.shape;
  if (digits.images.rank !== 4 || C !== 1 || N < 1 || N !== digits.labels.length) {
    throw new RangeError(
      `digitScenes: digits must be (N,1,H,W) images with N labels, got [${digits.images.shape.join(', ')}] and ${digits.labels.length} labels`,
    );
  }
  if (H < 1 || W < 1) throw new RangeError('digitScenes: digit images are empty');
}

/** Scene `index` of the set made from `digits` with these options. */
export function makeScene(
  digits: ImageSet,
  index: number,
  options: DigitScenesOptions = {},
): Scene {
  const o = checkOptions(options);
  checkDigits(digits);
  return sceneAt(digits, index, o);
}

function sceneAt(digits: ImageSet, index: number, o: CheckedOptions): Scene {
  const rng = new Rng(sceneSeed(o.seed, index));
  const [N, , DH, DW] = digits.images.shape;
  const plane = DH * DW;
  const canvasShape = [o.height, o.width] as const;
  const pixels = new Float32Array(o.height * o.width);
  const objects: SceneObject[] = [];
  const wanted = o.minDigits + rng.int(o.maxDigits - o.minDigits + 1);
  for (let d = 0; d < wanted; d++) {
    const k = rng.int(N);
    const side = o.minDigitSize + rng.int(o.maxDigitSize - o.minDigitSize + 1);
    const digit = digits.images.data.subarray(k * plane, (k + 1) * plane);
    const patch = resizeImage(digit, [1, DH, DW], [side, side]);
    const ink = inkBox(patch, side);
    if (ink === null) continue;
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      const left = rng.int(o.width - side + 1);
      const top = rng.int(o.height - side + 1);
      const box = { x1: ink.x1 + left, y1: ink.y1 + top, x2: ink.x2 + left, y2: ink.y2 + top };
      if (objects.some((other) => boxIou(other.box, box) > o.maxOverlap)) continue;
      paste(pixels, canvasShape, patch, [side, side], left, top);
      objects.push({ box, label: digits.labels[k] });
      break;
    }
  }
  addClutter(pixels, digits, objects, rng, o);
  if (o.noise > 0) {
    for (let i = 0; i < pixels.length; i++) {
      pixels[i] = Math.min(1, Math.max(0, pixels[i] + rng.normal(0, o.noise)));
    }
  }
  // 8-bit levels, so that a scene survives a PNG round trip unchanged.
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(pixels[i] * 255) / 255;
  return { width: o.width, height: o.height, pixels, objects };
}

/** Up to o.clutter fragments (a random crop of a random digit, scaled), clear of every box. */
function addClutter(
  pixels: Float32Array,
  digits: ImageSet,
  objects: readonly SceneObject[],
  rng: Rng,
  o: CheckedOptions,
): void {
  if (o.clutter === 0) return;
  const [N, , DH, DW] = digits.images.shape;
  const count = rng.int(o.clutter + 1);
  for (let c = 0; c < count; c++) {
    const k = rng.int(N);
    const crop = CLUTTER_MIN + rng.int(CLUTTER_MAX - CLUTTER_MIN + 1);
    const cx = rng.int(Math.max(1, DW - crop + 1));
    const cy = rng.int(Math.max(1, DH - crop + 1));
    const fragment = new Float32Array(crop * crop);
    for (let y = 0; y < crop && cy + y < DH; y++) {
      for (let x = 0; x < crop && cx + x < DW; x++) {
        fragment[y * crop + x] = digits.images.data[k * DH * DW + (cy + y) * DW + cx + x];
      }
    }
    const left = rng.int(o.width - crop + 1);
    const top = rng.int(o.height - crop + 1);
    const box = { x1: left, y1: top, x2: left + crop, y2: top + crop };
    const touches = objects.some(
      (obj) =>
        box.x1 < obj.box.x2 && obj.box.x1 < box.x2 && box.y1 < obj.box.y2 && obj.box.y1 < box.y2,
    );
    if (!touches) paste(pixels, [o.height, o.width], fragment, [crop, crop], left, top);
  }
}

/** Scenes first..first+count-1 of the set made from `digits` (see makeScene). */
export function makeScenes(
  digits: ImageSet,
  count: number,
  options: DigitScenesOptions = {},
  first = 0,
): Scene[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`digitScenes: count must be an integer >= 0, got ${count}`);
  }
  const o = checkOptions(options);
  checkDigits(digits);
  return Array.from({ length: count }, (_, i) => sceneAt(digits, first + i, o));
}
