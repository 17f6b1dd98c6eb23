/**
 * SVG to PNG, with text, and nothing from the machine: resvg (a Rust SVG renderer, here as
 * WebAssembly from the npm package @resvg/resvg-wasm, so no native build and the same pixels on
 * every platform) draws the SVG with the DejaVu fonts shipped as TTF files by the npm package
 * dejavu-fonts-ttf. System fonts are never read: a fresh machine without any fonts renders the
 * same image.
 *
 * Every image with text in src/viz goes through here: the labelled feature-map and filter grids
 * (an SVG of <text> and <image> elements) and the Vega-Lite charts (vega-render.ts).
 *
 * Two font families are loaded (their names, and the text helpers that SVG writers in the
 * browser use too, are in svg-text.ts, which imports nothing from Node):
 *   DejaVu Sans       proportional, for charts ('sans-serif' maps to it)
 *   DejaVu Sans Mono  every glyph 0.602 em wide, so a label's width is known before rendering
 *                     (labelWidth); 'monospace' maps to it
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Resvg as ResvgInstance } from '@resvg/resvg-wasm';
import { MONO_FONT, SANS_FONT } from './svg-text.js';

export { MONO_ADVANCE_EM, MONO_FONT, SANS_FONT, escapeXml, labelWidth } from './svg-text.js';

const FONT_FILES = [
  'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  'dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf',
  'dejavu-fonts-ttf/ttf/DejaVuSansMono-Bold.ttf',
];

interface Renderer {
  Resvg: typeof ResvgInstance;
  fonts: Uint8Array[];
}

let renderer: Promise<Renderer> | null = null;

async function loadRenderer(): Promise<Renderer> {
  const require = createRequire(import.meta.url);
  const resvg = await import('@resvg/resvg-wasm');
  const wasm = await readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm'));
  await resvg.initWasm(wasm);
  const fonts = await Promise.all(
    FONT_FILES.map(async (file) => new Uint8Array(await readFile(require.resolve(file)))),
  );
  return { Resvg: resvg.Resvg, fonts };
}

/** The WebAssembly module and the fonts, loaded once per process. */
function getRenderer(): Promise<Renderer> {
  if (renderer === null) {
    renderer = loadRenderer();
    renderer.catch(() => {
      renderer = null;
    });
  }
  return renderer;
}

export interface SvgToPngOptions {
  /** Pixels per SVG user unit; default 1 (the SVG's width and height are the PNG's). */
  scale?: number;
  /** A CSS colour painted under the drawing; default none (transparent where nothing is drawn). */
  background?: string;
}

/** The size a chart is drawn at, in SVG units (before scale). */
export interface ChartSize {
  width: number;
  height: number;
}

/** A rendered PNG and its size in pixels. */
export interface RenderedPng {
  png: Uint8Array;
  width: number;
  height: number;
}

/** Renders an SVG document to PNG bytes (see the top of this file). */
export async function svgToPng(
  svg: string,
  { scale = 1, background }: SvgToPngOptions = {},
): Promise<RenderedPng> {
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`svgToPng: scale must be a positive number, got ${scale}`);
  }
  const { Resvg, fonts } = await getRenderer();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    ...(background === undefined ? {} : { background }),
    font: {
      fontBuffers: fonts,
      defaultFontFamily: SANS_FONT,
      sansSerifFamily: SANS_FONT,
      serifFamily: SANS_FONT,
      monospaceFamily: MONO_FONT,
    },
  });
  try {
    const image = resvg.render();
    try {
      return { png: image.asPng(), width: image.width, height: image.height };
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

/** A PNG as a data: URI, for <image href> in SVG and <img src> in HTML. */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}`;
}
