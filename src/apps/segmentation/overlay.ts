/**
 * Pictures of a segmentation: the image with every pixel tinted by its class, and a legend.
 *
 *   classColor(k)     class-colors.ts (browser-safe, the playground uses the same colours)
 *   overlayRaster     out = (1 - alpha) * image + alpha * colour(class), background untouched
 *   renderOverlayPng  the overlay scaled up (nearest, so pixels stay square) beside a legend of
 *                     the classes present with their share of the pixels, drawn as SVG and
 *                     rendered by resvg (src/viz/svg.ts)
 */
import { createRaster, encodePng, type Raster } from '../../viz/png.js';
import { escapeXml, pngDataUri, svgToPng, SANS_FONT } from '../../viz/svg.js';
import { classColor } from './class-colors.js';

/** The image (C = 1 or 3, values in [0,1]) tinted by mask (H*W classes); see the top. */
export function overlayRaster(
  pixels: Float32Array,
  [C, H, W]: readonly [number, number, number],
  mask: Uint8Array,
  alpha = 0.6,
): Raster {
  const raster = createRaster(W, H);
  for (let p = 0; p < H * W; p++) {
    const k = mask[p];
    const color = k === 0 ? null : classColor(k);
    for (let c = 0; c < 3; c++) {
      const v = 255 * Math.min(1, Math.max(0, pixels[(C === 1 ? 0 : c) * H * W + p]));
      raster.data[4 * p + c] = Math.round(color === null ? v : (1 - alpha) * v + alpha * color[c]);
    }
    raster.data[4 * p + 3] = 255;
  }
  return raster;
}

export interface OverlayPngOptions {
  /** Screen pixels per image pixel; default: 4, or fewer for large images. */
  scale?: number;
  alpha?: number;
}

/** The overlay beside a legend of the classes present, as PNG bytes. */
export async function renderOverlayPng(
  pixels: Float32Array,
  shape: readonly [number, number, number],
  mask: Uint8Array,
  classNames: readonly string[],
  { scale, alpha = 0.6 }: OverlayPngOptions = {},
): Promise<Uint8Array> {
  const [, H, W] = shape;
  const zoom = scale ?? Math.max(1, Math.min(4, Math.floor(512 / Math.max(H, W))));
  const counts = new Map<number, number>();
  for (const k of mask) counts.set(k, (counts.get(k) ?? 0) + 1);
  const present = [...counts.keys()].sort((a, b) => a - b);
  const row = 18;
  const legendWidth =
    40 + 8 * Math.max(...present.map((k) => (classNames[k] ?? String(k)).length + 8));
  const width = W * zoom + 12 + legendWidth;
  const height = Math.max(H * zoom, present.length * row + 12);
  const image = pngDataUri(encodePng(overlayRaster(pixels, shape, mask, alpha)));
  const legend = present.map((k, i) => {
    const y = 6 + i * row;
    const [r, g, b] = k === 0 ? ([0, 0, 0] as const) : classColor(k);
    const share = ((100 * (counts.get(k) ?? 0)) / mask.length).toFixed(1);
    const x = W * zoom + 12;
    return [
      `<rect x="${x}" y="${y}" width="14" height="14" fill="rgb(${r},${g},${b})" stroke="#888"/>`,
      `<text x="${x + 20}" y="${y + 12}" font-family="${SANS_FONT}" font-size="12">${escapeXml(classNames[k] ?? String(k))} (${share}%)</text>`,
    ].join('');
  });
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`,
    `<image href="${image}" x="0" y="0" width="${W * zoom}" height="${H * zoom}" image-rendering="optimizeSpeed"/>`,
    ...legend,
    '</svg>',
  ].join('');
  return (await svgToPng(svg, { background: 'white' })).png;
}
