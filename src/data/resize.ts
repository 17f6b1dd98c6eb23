/**
 * Bilinear image resizing, for bringing decoded images to one size.
 *
 * x:(C,H,W) -> y:(C,OH,OW). Pixel centres line up (PyTorch's align_corners=false): output row i
 * is centred on the input coordinate  c = (i + 0.5) * s,  s = H / OH  (and likewise columns).
 *
 * Enlarging (s <= 1), or with antialias off, each output pixel blends the two nearest input
 * pixels, exactly as PyTorch's interpolate(mode='bilinear') and our reference kernel
 * upsampleBilinear2dForward do:
 *
 *   src = max(c - 0.5, 0),  i0 = floor(src),  i1 = min(i0 + 1, H - 1),  y = (1-l) x[i0] + l x[i1],  l = src - i0
 *
 * Shrinking with antialias on (the default), two taps would skip most of the input and alias,
 * so the triangle filter is stretched to cover s input pixels each side, as PIL's BILINEAR and
 * torchvision's antialias=True do: input pixel j gets weight max(0, 1 - |j + 0.5 - c| / s),
 * weights normalised to sum to 1 (pixels outside the image are left out).
 *
 * The filter is separable: rows first into a (C,H,OW) scratch buffer, then columns.
 */
import type { ImageShape } from './dataset.js';

export interface ResizeOptions {
  /** Widen the filter when shrinking so every input pixel contributes; default true. */
  antialias?: boolean;
}

/** For each output index along one axis: the input pixels it reads and their weights. */
interface AxisTaps {
  /** The first input index output o reads. */
  start: Int32Array;
  /** How many consecutive input pixels output o reads (at most `width`). */
  count: Int32Array;
  /** The most taps any output reads: weights[o * width + t] weighs input start[o] + t. */
  width: number;
  weights: Float64Array;
}

function axisTaps(size: number, outSize: number, antialias: boolean): AxisTaps {
  const scale = size / outSize;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  if (!antialias || scale <= 1) {
    const weights = new Float64Array(outSize * 2);
    for (let o = 0; o < outSize; o++) {
      const src = Math.max((o + 0.5) * scale - 0.5, 0);
      const i0 = Math.floor(src);
      start[o] = i0;
      if (i0 < size - 1) {
        count[o] = 2;
        weights[2 * o] = 1 - (src - i0);
        weights[2 * o + 1] = src - i0;
      } else {
        start[o] = size - 1;
        count[o] = 1;
        weights[2 * o] = 1;
      }
    }
    return { start, count, width: 2, weights };
  }
  const width = 2 * Math.ceil(scale) + 1;
  const weights = new Float64Array(outSize * width);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const first = Math.max(Math.floor(centre - scale + 0.5), 0);
    const last = Math.min(Math.floor(centre + scale + 0.5), size, first + width);
    start[o] = first;
    count[o] = last - first;
    let total = 0;
    for (let j = first; j < last; j++) {
      const w = Math.max(0, 1 - Math.abs(j + 0.5 - centre) / scale);
      weights[o * width + j - first] = w;
      total += w;
    }
    for (let t = 0; t < count[o]; t++) weights[o * width + t] /= total;
  }
  return { start, count, width, weights };
}

/**
 * Resizes x:(C,H,W) into y:(C,OH,OW) (both row-major, y overwritten). Shapes are given as
 * [C,H,W] and [OH,OW]; y must hold C*OH*OW values.
 */
export function resizeBilinear(
  y: Float32Array,
  x: ArrayLike<number>,
  [C, H, W]: ImageShape,
  [OH, OW]: readonly [number, number],
  { antialias = true }: ResizeOptions = {},
): void {
  for (const [label, d] of [
    ['H', H],
    ['W', W],
    ['OH', OH],
    ['OW', OW],
  ] as const) {
    if (!Number.isInteger(d) || d < 1) {
      throw new RangeError(`resizeBilinear: ${label} must be a positive integer, got ${d}`);
    }
  }
  if (x.length !== C * H * W || y.length !== C * OH * OW) {
    throw new RangeError(
      `resizeBilinear: (${C},${H},${W}) -> (${C},${OH},${OW}) needs ${C * H * W} and ${C * OH * OW} values, got ${x.length} and ${y.length}`,
    );
  }
  const cols = axisTaps(W, OW, antialias);
  const rows = axisTaps(H, OH, antialias);
  // Along rows: x:(C,H,W) -> tmp:(C,H,OW).
  const tmp = new Float32Array(C * H * OW);
  for (let r = 0; r < C * H; r++) {
    for (let o = 0; o < OW; o++) {
      let sum = 0;
      const from = r * W + cols.start[o];
      for (let t = 0; t < cols.count[o]; t++) sum += cols.weights[o * cols.width + t] * x[from + t];
      tmp[r * OW + o] = sum;
    }
  }
  // Along columns: tmp:(C,H,OW) -> y:(C,OH,OW).
  for (let c = 0; c < C; c++) {
    for (let o = 0; o < OH; o++) {
      const out = (c * OH + o) * OW;
      y.fill(0, out, out + OW);
      for (let t = 0; t < rows.count[o]; t++) {
        const w = rows.weights[o * rows.width + t];
        const from = (c * H + rows.start[o] + t) * OW;
        for (let j = 0; j < OW; j++) y[out + j] += w * tmp[from + j];
      }
    }
  }
}

/** Resizes x:(C,H,W) to (C,OH,OW) into a new array. */
export function resizeImage(
  x: ArrayLike<number>,
  shape: ImageShape,
  size: readonly [number, number],
  options: ResizeOptions = {},
): Float32Array {
  const y = new Float32Array(shape[0] * size[0] * size[1]);
  resizeBilinear(y, x, shape, size, options);
  return y;
}
