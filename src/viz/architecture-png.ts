/**
 * The architecture picture (architecture.ts) as PNG, through the one SVG renderer (svg.ts:
 * resvg with the DejaVu fonts), at `scale` pixels per SVG unit.
 */
import type { Graph } from '../nn/graph/graph.js';
import { architectureSvg, type ArchitectureOptions } from './architecture.js';
import { svgToPng } from './svg.js';

export interface ArchitecturePngOptions extends ArchitectureOptions {
  /** Pixels per SVG unit; default 2. */
  scale?: number;
}

/** The architecture picture of a graph as PNG bytes. */
export async function architecturePng(
  graph: Graph,
  { scale = 2, ...options }: ArchitecturePngOptions = {},
): Promise<Uint8Array> {
  const { png } = await svgToPng(architectureSvg(graph, options), { scale, background: 'white' });
  return png;
}
