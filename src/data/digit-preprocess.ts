/**
 * Bringing an ordinary picture to what a model expects: MNIST-style digits, polarity, and
 * resizing that keeps the aspect ratio. Browser-safe (no Node imports): `convnet predict` and
 * `convnet visualize` use it on image files, the playground on its drawing pad.
 *
 * MNIST-style digits (mnistDigitFromImage), the way MNIST made its digits:
 *
 *   1. crop to the ink: the bounding box of the pixels above `threshold`;
 *   2. scale that box, keeping its aspect ratio, to fit a 20x20 box (each new pixel the
 *      average of the area it covers, so strokes are anti-aliased);
 *   3. place it in the 28x28 field with its centre of mass at the field's centre, moved back
 *      inside the field where the centre of mass would push part of the digit out (a 7 whose
 *      ink is mostly at the top), so no stroke is ever cropped.
 *
 * Polarity. MNIST and Fashion-MNIST are light on dark (white strokes, black background); a
 * digit written on paper or drawn in an editor is dark on light. detectPolarity looks at the
 * image's border (its outermost rows and columns, where the background is): mostly bright
 * (its median above 0.5) means dark on light. prepareDigit then inverts (1 - x) automatically.
 *
 * Resizing (fitImage). A non-square image is scaled, keeping its aspect ratio, until its longer
 * side fills the output, and the rest is padded with the image's background (the median of its
 * border, per channel): a wide photo becomes a letterbox, not a squashed picture.
 *
 *   const digit = prepareDigit(gray, { polarity: 'auto' }); // { pixels: 28*28, inverted, empty }
 *   const fitted = fitImage(pixels, [3, 480, 640], [32, 32]); // 3*32*32, letterboxed
 */
import type { ImageShape } from './dataset.js';
import { resizeBilinear } from './resize.js';

/** The side of an MNIST image. */
export const MNIST_FIELD_SIZE = 28;
/** The side of the box an MNIST digit is scaled to fit. */
export const MNIST_BOX_SIZE = 20;

/** A grayscale image: width*height intensities in [0,1], row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Which way round ink and background are. */
export type Polarity = 'light-on-dark' | 'dark-on-light';

/** Where one output pixel along an axis takes its input: input index and weight pairs. */
type AxisTaps = { index: number; weight: number }[];

/** Area weights mapping `from` input pixels onto `to` output pixels along one axis. */
function areaTaps(from: number, to: number): AxisTaps[] {
  const ratio = from / to;
  const taps: AxisTaps[] = [];
  for (let out = 0; out < to; out++) {
    const lo = out * ratio;
    const hi = (out + 1) * ratio;
    const list: AxisTaps = [];
    for (let index = Math.floor(lo); index < Math.min(from, Math.ceil(hi)); index++) {
      const weight = Math.min(hi, index + 1) - Math.max(lo, index);
      if (weight > 0) list.push({ index, weight: weight / ratio });
    }
    taps.push(list);
  }
  return taps;
}

function checkGray({ width, height, data }: GrayImage, caller: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`${caller}: the image must be at least 1x1, got ${width}x${height}`);
  }
  if (data.length !== width * height) {
    throw new RangeError(`${caller}: ${data.length} values for ${width}x${height}`);
  }
}

/**
 * Each channel's background level in x:(C,H,W): the median of its border (the outermost rows
 * and columns), so ink that touches the edge does not count unless it covers half the border.
 */
export function backgroundLevels(x: ArrayLike<number>, [C, H, W]: ImageShape): number[] {
  const levels: number[] = [];
  for (let c = 0; c < C; c++) {
    const base = c * H * W;
    const border: number[] = [];
    for (let y = 0; y < H; y++) {
      const edgeRow = y === 0 || y === H - 1;
      for (let x0 = 0; x0 < W; x0 += edgeRow ? 1 : Math.max(1, W - 1)) {
        border.push(x[base + y * W + x0]);
      }
    }
    border.sort((a, b) => a - b);
    const middle = border.length >> 1;
    levels.push(
      border.length % 2 === 1 ? border[middle] : (border[middle - 1] + border[middle]) / 2,
    );
  }
  return levels;
}

/** 'dark-on-light' when the image's border is mostly bright (its median above 0.5), else 'light-on-dark'. */
export function detectPolarity(image: GrayImage): Polarity {
  checkGray(image, 'detectPolarity');
  const [level] = backgroundLevels(image.data, [1, image.height, image.width]);
  return level > 0.5 ? 'dark-on-light' : 'light-on-dark';
}

/**
 * The 28x28 MNIST-style image of a light-on-dark picture (values in [0,1], row-major), or null
 * when there is no ink (no pixel above `threshold`). See the top of this file.
 */
export function mnistDigitFromImage(image: GrayImage, threshold = 0.05): Float32Array | null {
  checkGray(image, 'mnistDigitFromImage');
  const { width, height, data } = image;
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x] > threshold) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) return null;
  const boxWidth = right - left + 1;
  const boxHeight = bottom - top + 1;
  const scale = MNIST_BOX_SIZE / Math.max(boxWidth, boxHeight);
  const outWidth = Math.max(1, Math.round(boxWidth * scale));
  const outHeight = Math.max(1, Math.round(boxHeight * scale));

  // Area-average the bounding box down to outWidth x outHeight, rows then columns.
  const columns = areaTaps(boxWidth, outWidth);
  const rows = areaTaps(boxHeight, outHeight);
  const narrow = new Float32Array(boxHeight * outWidth);
  for (let y = 0; y < boxHeight; y++) {
    const row = (top + y) * width + left;
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (const { index, weight } of columns[x]) sum += data[row + index] * weight;
      narrow[y * outWidth + x] = sum;
    }
  }
  const small = new Float32Array(outHeight * outWidth);
  let mass = 0;
  let massX = 0;
  let massY = 0;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (const { index, weight } of rows[y]) sum += narrow[index * outWidth + x] * weight;
      const value = Math.min(1, Math.max(0, sum));
      small[y * outWidth + x] = value;
      mass += value;
      massX += value * (x + 0.5);
      massY += value * (y + 0.5);
    }
  }

  // Shift so that the centre of mass lands on the centre of the field, but never past its edge.
  const F = MNIST_FIELD_SIZE;
  const centre = F / 2;
  const clampShift = (shift: number, size: number) => Math.min(F - size, Math.max(0, shift));
  const shiftX = clampShift(
    mass > 0 ? Math.round(centre - massX / mass) : Math.round((F - outWidth) / 2),
    outWidth,
  );
  const shiftY = clampShift(
    mass > 0 ? Math.round(centre - massY / mass) : Math.round((F - outHeight) / 2),
    outHeight,
  );
  const field = new Float32Array(F * F);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      field[(y + shiftY) * F + x + shiftX] = small[y * outWidth + x];
    }
  }
  return field;
}

export interface PrepareDigitOptions {
  /**
   * 'auto' (default): invert when detectPolarity finds dark on light; 'invert': always;
   * 'as-is': never.
   */
  polarity?: 'auto' | 'invert' | 'as-is';
  /** Ink is what is above this after the background is taken out; default 0.05. */
  threshold?: number;
}

export interface PreparedDigit {
  /** 28x28 values in [0,1], light on dark. */
  pixels: Float32Array;
  /** Whether the image was inverted (1 - x). */
  inverted: boolean;
  /** True when no ink was found: pixels are all 0. */
  empty: boolean;
}

/**
 * An ordinary grayscale picture of one digit as an MNIST digit: polarity made light on dark,
 * the background level (the border's median) taken out and the contrast stretched so the
 * brightest ink is 1 (a photo's grey paper becomes black), then mnistDigitFromImage.
 */
export function prepareDigit(
  image: GrayImage,
  { polarity = 'auto', threshold = 0.05 }: PrepareDigitOptions = {},
): PreparedDigit {
  checkGray(image, 'prepareDigit');
  const inverted =
    polarity === 'invert' || (polarity === 'auto' && detectPolarity(image) === 'dark-on-light');
  const { width, height } = image;
  const data = inverted ? image.data.map((v) => 1 - v) : Float32Array.from(image.data);
  const [background] = backgroundLevels(data, [1, height, width]);
  let max = 0;
  for (const v of data) max = Math.max(max, v);
  const floor = Math.min(background, max);
  const range = max - floor;
  if (range > 0) {
    for (let i = 0; i < data.length; i++) {
      data[i] = Math.min(1, Math.max(0, (data[i] - floor) / range));
    }
  }
  const pixels = range > 0 ? mnistDigitFromImage({ width, height, data }, threshold) : null;
  return pixels === null
    ? { pixels: new Float32Array(MNIST_FIELD_SIZE * MNIST_FIELD_SIZE), inverted, empty: true }
    : { pixels, inverted, empty: false };
}

export interface FitImageOptions {
  /** The padding's value per channel; default the image's background (backgroundLevels). */
  fill?: readonly number[];
  /** Widen the resize filter when shrinking (resize.ts); default true. */
  antialias?: boolean;
}

/**
 * x:(C,H,W) -> y:(C,OH,OW), keeping the aspect ratio: scaled (bilinear, resize.ts) until the
 * longer side fits, centred, and padded with `fill`. An image of the output's aspect ratio is
 * simply resized.
 */
export function fitImage(
  x: ArrayLike<number>,
  shape: ImageShape,
  [OH, OW]: readonly [number, number],
  { fill, antialias = true }: FitImageOptions = {},
): Float32Array {
  const [C, H, W] = shape;
  if (x.length !== C * H * W) {
    throw new RangeError(`fitImage: (${C},${H},${W}) needs ${C * H * W} values, got ${x.length}`);
  }
  const scale = Math.min(OH / H, OW / W);
  const h = Math.min(OH, Math.max(1, Math.round(H * scale)));
  const w = Math.min(OW, Math.max(1, Math.round(W * scale)));
  const inner = new Float32Array(C * h * w);
  resizeBilinear(inner, x, shape, [h, w], { antialias });
  if (h === OH && w === OW) return inner;
  const padding = fill ?? backgroundLevels(x, shape);
  if (padding.length !== C) {
    throw new RangeError(
      `fitImage: fill needs ${C} values, one per channel, got ${padding.length}`,
    );
  }
  const top = Math.floor((OH - h) / 2);
  const left = Math.floor((OW - w) / 2);
  const y = new Float32Array(C * OH * OW);
  for (let c = 0; c < C; c++) {
    y.fill(padding[c], c * OH * OW, (c + 1) * OH * OW);
    for (let r = 0; r < h; r++) {
      const from = (c * h + r) * w;
      y.set(inner.subarray(from, from + w), (c * OH + top + r) * OW + left);
    }
  }
  return y;
}
