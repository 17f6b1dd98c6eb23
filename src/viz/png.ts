/**
 * Rasters and PNG files. A Raster is 8-bit RGBA pixels, row-major (height, width, 4), the layout
 * PNG files and canvases use; encodePng writes one as a PNG with pngjs (pure JavaScript), and
 * decodePng reads one back (what the tests use to look at the images).
 *
 * Colours are [r, g, b] in 0..255; every pixel drawn here is opaque.
 */
import { PNG } from 'pngjs';

export type Rgb = readonly [r: number, g: number, b: number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
/** What a constant map (no contrast to show) is drawn as. */
export const MID_GREY: Rgb = [128, 128, 128];
/** What a non-finite value (NaN, Infinity) is drawn as, so that it is never mistaken for data. */
export const NON_FINITE_RED: Rgb = [255, 0, 0];

export interface Raster {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row by row. */
  data: Uint8Array;
}

function checkSize(width: number, height: number, where: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`${where}: size must be positive integers, got ${width}x${height}`);
  }
}

/** A raster of one opaque colour. */
export function createRaster(width: number, height: number, fill: Rgb = WHITE): Raster {
  checkSize(width, height, 'createRaster');
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data[4 * p] = fill[0];
    data[4 * p + 1] = fill[1];
    data[4 * p + 2] = fill[2];
    data[4 * p + 3] = 255;
  }
  return { width, height, data };
}

/** Sets pixel (x, y) to an opaque colour. */
export function setPixel(raster: Raster, x: number, y: number, color: Rgb): void {
  const i = 4 * (y * raster.width + x);
  raster.data[i] = color[0];
  raster.data[i + 1] = color[1];
  raster.data[i + 2] = color[2];
  raster.data[i + 3] = 255;
}

/** The [r, g, b] of pixel (x, y). */
export function getPixel(raster: Raster, x: number, y: number): Rgb {
  if (!(x >= 0 && x < raster.width && y >= 0 && y < raster.height)) {
    throw new RangeError(
      `getPixel: (${x}, ${y}) is outside the ${raster.width}x${raster.height} image`,
    );
  }
  const i = 4 * (y * raster.width + x);
  return [raster.data[i], raster.data[i + 1], raster.data[i + 2]];
}

/** The raster as PNG bytes (8-bit RGBA). */
export function encodePng(raster: Raster): Uint8Array {
  checkSize(raster.width, raster.height, 'encodePng');
  if (raster.data.length !== raster.width * raster.height * 4) {
    throw new RangeError(
      `encodePng: a ${raster.width}x${raster.height} RGBA image needs ${raster.width * raster.height * 4} bytes, got ${raster.data.length}`,
    );
  }
  const png = new PNG({ width: raster.width, height: raster.height });
  png.data = Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength);
  return new Uint8Array(PNG.sync.write(png));
}

/** Decodes PNG bytes to an RGBA raster. */
export function decodePng(bytes: Uint8Array): Raster {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}
