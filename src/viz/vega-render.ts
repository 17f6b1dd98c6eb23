/**
 * Charts with Vega-Lite, drawn without a browser: the Vega-Lite spec is compiled to a Vega spec,
 * a headless Vega View (renderer 'none') renders it to SVG, and svg.ts turns that into PNG with
 * the DejaVu fonts. Vega and Vega-Lite are the University of Washington's grammar of graphics
 * libraries, plain JavaScript; they are loaded on first use, so importing convnet-ts stays light.
 *
 * Every chart here sets its total size: autosize 'fit' with the padding included, so a chart of
 * width 400 is 400 SVG units wide, axes and legends inside (scale multiplies it in the PNG).
 */
import type { TopLevelSpec } from 'vega-lite';
import { SANS_FONT, svgToPng, type RenderedPng } from './svg.js';

/** The look shared by every chart: DejaVu Sans, white background. */
export const CHART_CONFIG = {
  font: SANS_FONT,
  background: 'white',
  padding: 8,
  autosize: { type: 'fit', contains: 'padding' },
  title: { fontSize: 14, anchor: 'start' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
} as const;

/** Compiles and renders a Vega-Lite spec to an SVG document. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The SVG element of a rendered chart, placed at (x, y) inside a larger SVG document. */
export function placeSvg(svg: string, x: number, y: number): string {
  const start = svg.indexOf('<svg');
  if (start === -1) throw new Error('placeSvg: not an SVG document');
  return `<svg x="${x}" y="${y}" ${svg.slice(start + '<svg'.length).trimStart()}`;
}

/** Renders a Vega-Lite spec to PNG at `scale` pixels per unit. */
export async function renderVegaLite(spec: TopLevelSpec, scale: number): Promise<RenderedPng> {
  return svgToPng(await vegaLiteToSvg(spec), { scale, background: 'white' });
}
