/**
 * Detections drawn on their scene: the grayscale image as an RGB raster, each box's outline in
 * its class's colour and, above it, the class name and score in a small bitmap font (3x5
 * glyphs for 0-9, '.', and letters are not needed: digit-scenes' class names are digits; other
 * names fall back to the class index).
 */
import { createRaster, setPixel, type Raster, type Rgb } from '../../viz/png.js';
import type { Detection } from './boxes.js';

const COLORS: readonly Rgb[] = [
  [230, 25, 75],
  [60, 180, 75],
  [255, 225, 25],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
  [250, 190, 212],
];

/** 3x5 glyphs, rows top to bottom, 3 bits each (4 = left column). */
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2],
  ' ': [0, 0, 0, 0, 0],
};

function put(r: Raster, x: number, y: number, color: Rgb): void {
  if (x >= 0 && y >= 0 && x < r.width && y < r.height) setPixel(r, x, y, color);
}

/** Text in the 3x5 font, scaled by `scale`, top-left at (x, y); unknown characters skipped. */
export function drawText(
  r: Raster,
  text: string,
  x: number,
  y: number,
  color: Rgb,
  scale = 1,
): void {
  let cx = x;
  for (const ch of text) {
    const glyph = GLYPHS[ch];
    if (glyph === undefined) continue;
    glyph.forEach((bits, row) => {
      for (let col = 0; col < 3; col++) {
        if (bits & (4 >> col)) {
          for (let dy = 0; dy < scale; dy++)
            for (let dx = 0; dx < scale; dx++)
              put(r, cx + col * scale + dx, y + row * scale + dy, color);
        }
      }
    });
    cx += 4 * scale;
  }
}

/**
 * The scene (grayscale (H, W) pixels in [0, 1]) enlarged `scale` times, with the detections'
 * boxes and "<class> <score>" labels.
 */
export function drawDetections(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  detections: readonly Detection[],
  classNames: readonly string[],
  scale = 4,
): Raster {
  const r = createRaster(width * scale, height * scale);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const v = Math.round(
        Math.min(1, Math.max(0, pixels[Math.floor(y / scale) * width + Math.floor(x / scale)])) *
          255,
      );
      setPixel(r, x, y, [v, v, v]);
    }
  }
  for (const d of detections) {
    const color = COLORS[d.label % COLORS.length];
    const x1 = Math.round(d.box.x1 * scale);
    const y1 = Math.round(d.box.y1 * scale);
    const x2 = Math.round(d.box.x2 * scale) - 1;
    const y2 = Math.round(d.box.y2 * scale) - 1;
    for (let x = x1; x <= x2; x++) {
      put(r, x, y1, color);
      put(r, x, y2, color);
    }
    for (let y = y1; y <= y2; y++) {
      put(r, x1, y, color);
      put(r, x2, y, color);
    }
    const name = /^[0-9. ]+$/.test(classNames[d.label] ?? '')
      ? classNames[d.label]
      : String(d.label);
    drawText(r, `${name} ${d.score.toFixed(2)}`, x1 + 1, Math.max(0, y1 - 12), color, 2);
  }
  return r;
}
