/** Shared by the viz tests: temp directories and looking at decoded images. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { decodePng, getPixel, type Raster, type Rgb } from '../../src/viz/png.js';

/** A new temp directory, removed when the test file ends. */
export function tempDir(prefix = 'convnet-viz-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function readPng(path: string): Raster {
  return decodePng(readFileSync(path));
}

/** The number of different colours in a region (the whole image by default). */
export function distinctColors(
  image: Raster,
  region = { x: 0, y: 0, width: image.width, height: image.height },
): number {
  const seen = new Set<string>();
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let x = region.x; x < region.x + region.width; x++)
      seen.add(getPixel(image, x, y).join(','));
  }
  return seen.size;
}

/** Whether some pixel is within `tolerance` of the colour in every channel. */
export function hasColor(image: Raster, color: Rgb, tolerance = 8): boolean {
  for (let i = 0; i < image.width * image.height; i++) {
    const d = image.data;
    if (
      Math.abs(d[4 * i] - color[0]) <= tolerance &&
      Math.abs(d[4 * i + 1] - color[1]) <= tolerance &&
      Math.abs(d[4 * i + 2] - color[2]) <= tolerance
    ) {
      return true;
    }
  }
  return false;
}

/** '#4c78a8' -> [76, 120, 168]. */
export function hexColor(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
