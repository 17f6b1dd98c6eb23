/**
 * A picture of a network's architecture as SVG, the way textbooks draw a CNN (the CS231n and
 * AlexNet figures): each layer's output is a box whose height, depth and thickness are its H,
 * W and C, so a convolution's output has thickness; a flat output (N,D), the layer of a plain
 * neural network, is a thin bar without any. Arrows join the boxes; in a graph that is not a
 * chain, branches take rows of their own and skips (a residual Add, a U-Net Concat) arc over
 * the boxes they pass. Shapes come from shape inference (Graph.shapes), nothing runs on data.
 *
 *   architecture-boxes.ts   which boxes (one per input and node; activations, dropout and batch
 *                           norm fold into the box before them), their shapes and labels
 *   architecture-layout.ts  the scales, where each box goes, its label
 *   architecture-edges.ts   how each edge runs (lines along rows, arcs for skips)
 *   architecture.ts         the SVG (this file); architecture-png.ts renders it in Node
 *
 * The SVG is self-contained and browser-safe (the playground shows it as is); its text is set
 * in DejaVu Sans Mono, whose glyph widths are known, so labels are sized before rendering.
 *
 * Example:
 *   const svg = viz.architectureSvg(graphFromSequential(seedNet(), [1, 28, 28]), { title: 'seed-net' });
 */
import type { Graph } from '../nn/graph/graph.js';
import { graphBoxes, isChain, type ArchBox, type BoxOptions } from './architecture-boxes.js';
import { routeEdges, type PlacedEdge } from './architecture-edges.js';
import {
  labelRect,
  lineHeight,
  placeBoxes,
  scalesOf,
  silhouette,
  type PlacedBox,
  type Rect,
  type Scales,
} from './architecture-layout.js';
import { MONO_FONT, escapeXml, labelWidth } from './svg-text.js';

export interface ArchitectureOptions extends BoxOptions {
  /** A line above the picture, e.g. the model's name. */
  title?: string;
  /** Each box's node name above its label; default: when the graph is not a chain. */
  names?: boolean;
}

/** The boxes placed, their edges, the scales, and the extent of all that is drawn. */
export interface ArchitectureLayout {
  boxes: PlacedBox[];
  edges: PlacedEdge[];
  scales: Scales;
  bounds: Rect;
}

/** Lays out the boxes of a graph (architecture-boxes.ts) with their labels and edges. */
export function layoutArchitecture(
  boxes: readonly ArchBox[],
  { names = false }: { names?: boolean } = {},
): ArchitectureLayout {
  const scales = scalesOf(boxes);
  const placed = placeBoxes(boxes, scales, names);
  const { edges, top } = routeEdges(placed);
  const rects = placed.flatMap((b) => [silhouette(b), labelRect(b)]);
  const bounds: Rect = {
    x0: Math.min(...rects.map((r) => r.x0)),
    y0: Math.min(top, ...rects.map((r) => r.y0)),
    x1: Math.max(...rects.map((r) => r.x1)),
    y1: Math.max(...rects.map((r) => r.y1)),
  };
  return { boxes: placed, edges, scales, bounds };
}

const MARGIN = 16;
const LEGEND_SIZE = 10;
const TITLE_SIZE = 13;
const EDGE_COLOR = '#444444';
const SKIP_COLOR = '#2f6db5';
const STROKE = '#4d4d4d';

/** Box colours by layer type (activations and other ops not listed: OTHER_COLOR). */
const COLORS: Readonly<Record<string, string>> = {
  Input: '#d6d6d6',
  Conv2d: '#f5c274',
  ConvTranspose2d: '#86bde3',
  Upsample: '#b5d9f0',
  MaxPool2d: '#ef9a9a',
  AvgPool2d: '#ef9a9a',
  AdaptiveAvgPool2d: '#ef9a9a',
  GlobalAvgPool2d: '#ef9a9a',
  Flatten: '#c9c9c9',
  Linear: '#b39ddb',
  Add: '#8fd19e',
  Concat: '#8fd19e',
};
const OTHER_COLOR = '#fbe3a1';
const colorOf = (op: string): string => COLORS[op] ?? OTHER_COLOR;

/** Mixes a #rrggbb colour with white (amount > 0) or black (amount < 0). */
function shade(hex: string, amount: number): string {
  const target = amount > 0 ? 255 : 0;
  const a = Math.abs(amount);
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `#${channels
    .map((v) =>
      Math.round(v + (target - v) * a)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

const n = (v: number): string => String(Math.round(v * 10) / 10);
const points = (list: readonly (readonly [number, number])[]): string =>
  list.map(([x, y]) => `${n(x)},${n(y)}`).join(' ');

function boxSvg(b: PlacedBox): string {
  const fill = colorOf(b.op);
  const { x, thickness: t, height: h, depth: o } = b;
  const top = b.y + o / 2 - h / 2;
  const bottom = top + h;
  const faces =
    o === 0
      ? `<rect x="${n(x)}" y="${n(top)}" width="${n(t)}" height="${n(h)}" fill="${fill}"/>`
      : [
          `<polygon points="${points([
            [x, top],
            [x + t, top],
            [x + t, bottom],
            [x, bottom],
          ])}" fill="${fill}"/>`,
          `<polygon points="${points([
            [x, top],
            [x + t, top],
            [x + t + o, top - o],
            [x + o, top - o],
          ])}" fill="${shade(fill, 0.45)}"/>`,
          `<polygon points="${points([
            [x + t, top],
            [x + t + o, top - o],
            [x + t + o, bottom - o],
            [x + t, bottom],
          ])}" fill="${shade(fill, -0.2)}"/>`,
        ].join('');
  const label = b.label;
  let baseline = label.top;
  const text = label.lines.map((line) => {
    baseline += lineHeight(line.size);
    const weight =
      line.role === 'op' || (line.role === 'name' && b.output) ? ' font-weight="bold"' : '';
    const color = line.role === 'op' ? '#111111' : line.role === 'shape' ? '#333333' : '#666666';
    return `<text class="${line.role}" x="${n(label.cx)}" y="${n(baseline - line.size * 0.28)}" font-size="${line.size}"${weight} fill="${color}">${escapeXml(line.text)}</text>`;
  });
  const shape = escapeXml(b.shape.slice(1).join('x'));
  return (
    `<g class="box" data-name="${escapeXml(b.name)}" data-op="${escapeXml(b.op)}" data-kind="${b.extent.kind}" data-shape="${shape}" data-nodes="${escapeXml(b.nodes.join(' '))}">` +
    `<g stroke="${STROKE}" stroke-width="0.8" stroke-linejoin="round">${faces}</g>` +
    `<g text-anchor="middle">${text.join('')}</g></g>`
  );
}

function edgeSvg(e: PlacedEdge): string {
  const color = e.kind === 'skip' ? SKIP_COLOR : EDGE_COLOR;
  const width = e.kind === 'skip' ? 1.6 : 1.2;
  return (
    `<g class="edge ${e.kind}" data-from="${e.from}" data-to="${e.to}">` +
    `<path d="${e.d}" fill="none" stroke="${color}" stroke-width="${width}"/>` +
    `<polygon points="${points(e.head)}" fill="${color}"/></g>`
  );
}

/** The legend's lines: colours of the ops drawn, the scales, what was folded. */
function legendSvg(
  layout: ArchitectureLayout,
  top: number,
  maxWidth: number,
): { svg: string; height: number; width: number } {
  const parts: string[] = [];
  const ops = [...new Set(layout.boxes.map((b) => b.op))];
  let x = 0;
  let y = top;
  const row = lineHeight(LEGEND_SIZE) + 4;
  let width = 0;
  for (const op of ops) {
    const w = 14 + labelWidth(op, LEGEND_SIZE) + 14;
    if (x > 0 && x + w > maxWidth) {
      x = 0;
      y += row;
    }
    parts.push(
      `<rect x="${n(x)}" y="${n(y + 1)}" width="10" height="10" fill="${colorOf(op)}" stroke="${STROKE}" stroke-width="0.8"/>`,
      `<text x="${n(x + 14)}" y="${n(y + 10)}">${escapeXml(op)}</text>`,
    );
    x += w;
    width = Math.max(width, x);
  }
  y += row;
  const { spatial, unit, kC, kD } = layout.scales;
  const lines: string[] = [];
  if (layout.boxes.some((b) => b.extent.kind === 'volume')) {
    lines.push(
      spatial === 'linear'
        ? `box: an output of C maps of H x W; height H and depth W linear (${n(unit)} px each),`
        : `box: an output of C maps of H x W; height and depth ${n(unit)}·√H and ${n(unit)}·√W px,`,
      `     thickness on a square-root scale (${n(kC)}·√C px)`,
    );
  }
  if (layout.boxes.some((b) => b.extent.kind === 'bar')) {
    lines.push(`bar: a flat output of D values, no thickness; height ${n(kD)}·√D px`);
  }
  const folded = [...new Set(layout.boxes.flatMap((b) => b.folded))];
  if (folded.length > 0) {
    lines.push(`+X: ${folded.join(', ')} folded into the box before (same shape)`);
  }
  if (layout.edges.some((e) => e.kind === 'skip')) {
    parts.push(
      `<path d="M0 ${n(y + 6)}H22" stroke="${SKIP_COLOR}" stroke-width="1.6"/>`,
      `<text x="28" y="${n(y + 10)}">skip connection (arc over the layers it skips)</text>`,
    );
    width = Math.max(
      width,
      28 + labelWidth('skip connection (arc over the layers it skips)', LEGEND_SIZE),
    );
    y += row;
  }
  for (const line of lines) {
    parts.push(`<text x="0" y="${n(y + 10)}" xml:space="preserve">${escapeXml(line)}</text>`);
    width = Math.max(width, labelWidth(line, LEGEND_SIZE));
    y += row;
  }
  return {
    svg: `<g class="legend" font-size="${LEGEND_SIZE}" fill="#444444">${parts.join('')}</g>`,
    height: y - top,
    width,
  };
}

/** The picture of a graph's architecture as an SVG document (see the top of this file). */
export function architectureSvg(graph: Graph, options: ArchitectureOptions = {}): string {
  const boxes = graphBoxes(graph, options);
  const layout = layoutArchitecture(boxes, { names: options.names ?? !isChain(boxes) });
  const { bounds } = layout;
  const contentWidth = bounds.x1 - bounds.x0;
  const titleHeight = options.title === undefined ? 0 : lineHeight(TITLE_SIZE) + 10;
  const contentTop = MARGIN + titleHeight;
  const legendTop = contentTop + (bounds.y1 - bounds.y0) + 18;
  const legend = legendSvg(layout, 0, Math.max(contentWidth, 420));
  const titleWidth = options.title === undefined ? 0 : labelWidth(options.title, TITLE_SIZE);
  const width = Math.ceil(Math.max(contentWidth, legend.width, titleWidth) + 2 * MARGIN);
  const height = Math.ceil(legendTop + legend.height + MARGIN);
  const title =
    options.title === undefined
      ? ''
      : `<text class="title" x="${MARGIN}" y="${MARGIN + TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="bold" fill="#111111">${escapeXml(options.title)}</text>`;
  const dx = MARGIN - bounds.x0 + (width - 2 * MARGIN - contentWidth) / 2;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${MONO_FONT}, monospace">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    title,
    `<g class="network" transform="translate(${n(dx)} ${n(contentTop - bounds.y0)})">`,
    ...layout.boxes.map(boxSvg),
    ...layout.edges.map(edgeSvg),
    `</g>`,
    `<g transform="translate(${MARGIN} ${n(legendTop)})">${legend.svg}</g>`,
    `</svg>`,
  ].join('\n');
}
