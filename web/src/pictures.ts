/**
 * Feature maps and filters as pictures: each map is drawn at its own resolution into a canvas
 * that CSS scales up without smoothing. Every map is normalised on its own (its minimum black,
 * its maximum bright); filters use a diverging map (negative blue, zero white, positive red),
 * each filter scaled by its own largest magnitude.
 */

/** Anchors of a magma-like sequential colour map, dark to bright. */
const SEQUENTIAL: [number, number, number][] = [
  [0, 0, 4],
  [59, 15, 112],
  [140, 41, 129],
  [222, 73, 104],
  [254, 159, 109],
  [252, 253, 191],
];

function sequentialColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (SEQUENTIAL.length - 1);
  const i = Math.min(SEQUENTIAL.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [SEQUENTIAL[i], SEQUENTIAL[i + 1]];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** t in [-1, 1]: blue, white at 0, red. */
function divergingColor(t: number): [number, number, number] {
  const v = Math.min(1, Math.max(-1, t));
  return v < 0
    ? [255 * (1 + v) + 33 * -v, 255 * (1 + v) + 102 * -v, 255 * (1 + v) + 172 * -v]
    : [255 * (1 - v) + 178 * v, 255 * (1 - v) + 24 * v, 255 * (1 - v) + 43 * v];
}

export interface Grid {
  /** Number of tiles and each tile's size. */
  count: number;
  tileHeight: number;
  tileWidth: number;
  columns: number;
}

/** Draws `count` tiles of values (tile k at values[k*tileHeight*tileWidth ...]) into a grid,
 * one pixel apart, colouring each tile's values with color(value, tile). */
function drawTiles(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  grid: Grid,
  color: (value: number, tile: number) => [number, number, number],
): void {
  const { count, tileHeight, tileWidth, columns } = grid;
  const rows = Math.ceil(count / columns);
  canvas.width = columns * (tileWidth + 1) - 1;
  canvas.height = rows * (tileHeight + 1) - 1;
  const context = canvas.getContext('2d');
  if (context === null) return;
  const image = context.createImageData(canvas.width, canvas.height); // transparent gaps
  const area = tileHeight * tileWidth;
  for (let k = 0; k < count; k++) {
    const ox = (k % columns) * (tileWidth + 1);
    const oy = Math.floor(k / columns) * (tileHeight + 1);
    for (let y = 0; y < tileHeight; y++) {
      for (let x = 0; x < tileWidth; x++) {
        const [r, g, b] = color(values[k * area + y * tileWidth + x], k);
        const at = 4 * ((oy + y) * canvas.width + ox + x);
        image.data[at] = r;
        image.data[at + 1] = g;
        image.data[at + 2] = b;
        image.data[at + 3] = 255;
      }
    }
  }
  context.putImageData(image, 0, 0);
}

/** Each tile's [min, max]. */
function tileRanges(values: Float32Array, count: number, area: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let k = 0; k < count; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = k * area; i < (k + 1) * area; i++) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
    ranges.push([lo, hi]);
  }
  return ranges;
}

/** C maps of H x W, each normalised on its own (a constant map is drawn dark). */
export function drawFeatureMaps(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  [C, H, W]: [number, number, number],
  columns: number,
): void {
  const ranges = tileRanges(values, C, H * W);
  drawTiles(canvas, values, { count: C, tileHeight: H, tileWidth: W, columns }, (v, k) => {
    const [lo, hi] = ranges[k];
    return sequentialColor(hi > lo ? (v - lo) / (hi - lo) : 0);
  });
}

/** F values of a fully connected layer as a strip of cells, normalised together. */
export function drawActivations(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  columns: number,
): void {
  const [[lo, hi]] = tileRanges(values, 1, values.length);
  drawTiles(canvas, values, { count: values.length, tileHeight: 1, tileWidth: 1, columns }, (v) =>
    sequentialColor(hi > lo ? (v - lo) / (hi - lo) : 0),
  );
}

/** F filters of KH x KW (the first input channel), each on its own diverging scale. */
export function drawFilters(
  canvas: HTMLCanvasElement,
  weights: Float32Array,
  [F, C, KH, KW]: [number, number, number, number],
  columns: number,
): void {
  const plane = new Float32Array(F * KH * KW);
  for (let f = 0; f < F; f++) {
    plane.set(weights.subarray(f * C * KH * KW, f * C * KH * KW + KH * KW), f * KH * KW);
  }
  const ranges = tileRanges(plane, F, KH * KW);
  drawTiles(canvas, plane, { count: F, tileHeight: KH, tileWidth: KW, columns }, (v, k) => {
    const scale = Math.max(Math.abs(ranges[k][0]), Math.abs(ranges[k][1]));
    return divergingColor(scale > 0 ? v / scale : 0);
  });
}

/** A 28x28 image in [0,1] as gray pixels. */
export function drawDigit(canvas: HTMLCanvasElement, pixels: Float32Array, size: number): void {
  drawTiles(canvas, pixels, { count: 1, tileHeight: size, tileWidth: size, columns: 1 }, (v) => {
    const g = Math.round(Math.min(1, Math.max(0, v)) * 255);
    return [g, g, g];
  });
}
