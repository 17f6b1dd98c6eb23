/**
 * Where the boxes of an architecture picture go, and how their edges run. Units are SVG pixels;
 * y grows downwards.
 *
 * A volume of C maps of H x W is a box in oblique (cabinet) projection: its front face is
 * thickness(C) wide and side(H) tall, and its depth side(W) recedes up and to the right at 45
 * degrees, shortened to DEPTH:
 *
 *   side(v)      = max(MIN_SIDE, unit * v)         unit = min(MAX_UNIT, MAX_SIDE / largest H or W)
 *   thickness(C) = max(MIN_THICKNESS, kC * sqrt(C))  kC = min(MAX_KC, MAX_THICKNESS / sqrt(largest C))
 *   offset       = DEPTH * side(W), both right and up
 *
 * A flat output of D values is a bar BAR_WIDTH wide, with no depth:
 *
 *   barHeight(D) = max(MIN_BAR, kD * sqrt(D))        kD = min(MAX_KD, MAX_BAR / sqrt(largest D))
 *
 * Columns: a box's column is its longest path from the inputs; then a box all of whose consumers
 * are two or more columns on moves right to the column before the first of them (a projection
 * shortcut sits beside the convolutions it skips, not at the start). Lanes (rows): in each column,
 * boxes that continue from the column before come first; each takes its first input's lane, or
 * the nearest free one (0, +1, -1, +2, ...). Each box's centre (mid-depth) is on its lane's line.
 *
 * Edges: to the next column, a line from the centre of the source's right face to the target's
 * front face (bending between the columns when the lanes differ); over several columns, the
 * same when the target's (or else the source's) lane is empty in between; otherwise a skip: a
 * cubic arc from the source's top to the target's top, raised until it clears every box and
 * label it passes over and runs above the skips it encloses.
 */
import { labelWidth } from './svg-text.js';
import type { ArchBox } from './architecture-boxes.js';

const MAX_SIDE = 112;
const MAX_UNIT = 6;
const MIN_SIDE = 4;
const DEPTH = 0.35;
const MAX_THICKNESS = 56;
const MAX_KC = 3;
const MIN_THICKNESS = 2;
const BAR_WIDTH = 6;
const MAX_BAR = 140;
const MAX_KD = 6;
const MIN_BAR = 4;
const COLUMN_GAP = 34;
const LANE_GAP = 30;
const LABEL_GAP = 8;
const HEAD = 7;
const ARC_CLEARANCE = 14;
const ARC_LEVEL_GAP = 12;

export type LabelRole = 'name' | 'op' | 'detail' | 'folded' | 'shape';

export interface LabelLine {
  text: string;
  size: number;
  role: LabelRole;
}

/** A box placed: its front face's left x, its centre line y, and its sizes. */
export interface PlacedBox extends ArchBox {
  column: number;
  lane: number;
  /** Front face: x .. x + thickness, and height. */
  x: number;
  y: number;
  thickness: number;
  height: number;
  /** The depth offset (right and up); 0 for a bar. */
  depth: number;
  label: { lines: LabelLine[]; cx: number; top: number; width: number; height: number };
}

export type EdgeKind = 'straight' | 'branch' | 'skip';

export interface PlacedEdge {
  from: number;
  to: number;
  kind: EdgeKind;
  /** The SVG path data of the line (it stops at the arrowhead's base). */
  d: string;
  /** The arrowhead: tip, then the two base corners. */
  head: [number, number][];
}

export interface Scales {
  /** Pixels per unit of H and W. */
  unit: number;
  /** thickness = kC * sqrt(C). */
  kC: number;
  /** bar height = kD * sqrt(D). */
  kD: number;
}

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ArchitectureLayout {
  boxes: PlacedBox[];
  edges: PlacedEdge[];
  scales: Scales;
  /** Everything drawn (boxes, labels, edges); may start above y = 0 where skips arc. */
  bounds: Rect;
}

const round = (v: number): string => String(Math.round(v * 10) / 10);
const pt = (x: number, y: number): string => `${round(x)} ${round(y)}`;

export function scalesOf(boxes: readonly ArchBox[]): Scales {
  let spatial = 1;
  let channels = 1;
  let flat = 1;
  for (const { extent: e } of boxes) {
    if (e.kind === 'volume') {
      spatial = Math.max(spatial, e.H, e.W);
      channels = Math.max(channels, e.C);
    } else {
      flat = Math.max(flat, e.D);
    }
  }
  return {
    unit: Math.min(MAX_UNIT, MAX_SIDE / spatial),
    kC: Math.min(MAX_KC, MAX_THICKNESS / Math.sqrt(channels)),
    kD: Math.min(MAX_KD, MAX_BAR / Math.sqrt(flat)),
  };
}

function labelLines(box: ArchBox, names: boolean): LabelLine[] {
  const lines: LabelLine[] = [];
  if (names) lines.push({ text: box.name, size: 10, role: 'name' });
  const op = box.detail === '' ? box.op : `${box.op} ${box.detail}`;
  if (op.length <= 16 || box.detail === '') {
    lines.push({ text: op, size: 11, role: 'op' });
  } else {
    lines.push({ text: box.op, size: 11, role: 'op' });
    lines.push({ text: box.detail, size: 10, role: 'detail' });
  }
  if (box.folded.length > 0) {
    lines.push({ text: box.folded.map((f) => `+${f}`).join(''), size: 10, role: 'folded' });
  }
  const e = box.extent;
  lines.push({
    text: e.kind === 'volume' ? `${e.C}x${e.H}x${e.W}` : `${e.D}`,
    size: 10,
    role: 'shape',
  });
  return lines;
}

export const lineHeight = (size: number): number => Math.round(size * 1.3);

/** Columns by longest path, then boxes that only feed far ahead moved right (see the top). */
function columnsOf(boxes: readonly ArchBox[]): number[] {
  const column = boxes.map(() => 0);
  for (const box of boxes) {
    for (const i of box.inputs) column[box.id] = Math.max(column[box.id], column[i] + 1);
  }
  const consumers = boxes.map(() => [] as number[]);
  for (const box of boxes) for (const i of box.inputs) consumers[i].push(box.id);
  for (let id = boxes.length - 1; id >= 0; id--) {
    if (consumers[id].length === 0) continue;
    const first = Math.min(...consumers[id].map((c) => column[c]));
    if (first - 1 > column[id]) column[id] = first - 1;
  }
  return column;
}

function lanesOf(boxes: readonly ArchBox[], column: readonly number[]): number[] {
  const lane = boxes.map(() => 0);
  const columns = Math.max(...column) + 1;
  for (let c = 0; c < columns; c++) {
    const taken = new Set<number>();
    const continues = (b: ArchBox): number =>
      b.inputs.length > 0 && column[b.inputs[0]] === c - 1 ? 0 : 1;
    const here = boxes.filter((b) => column[b.id] === c);
    here.sort((a, b) => continues(a) - continues(b) || a.id - b.id);
    for (const box of here) {
      const want = box.inputs.length > 0 ? lane[box.inputs[0]] : 0;
      let chosen = want;
      for (let step = 1; taken.has(chosen); step++) {
        chosen = want + (step % 2 === 1 ? (step + 1) / 2 : -step / 2);
      }
      taken.add(chosen);
      lane[box.id] = chosen;
    }
  }
  return lane;
}

/** Places the boxes and their labels; names adds each box's name as its label's first line. */
function placeBoxes(boxes: readonly ArchBox[], scales: Scales, names: boolean): PlacedBox[] {
  const column = columnsOf(boxes);
  const lane = lanesOf(boxes, column);
  const sized = boxes.map((box) => {
    const e = box.extent;
    const side = (v: number) => Math.max(MIN_SIDE, scales.unit * v);
    const thickness =
      e.kind === 'volume' ? Math.max(MIN_THICKNESS, scales.kC * Math.sqrt(e.C)) : BAR_WIDTH;
    const height = e.kind === 'volume' ? side(e.H) : Math.max(MIN_BAR, scales.kD * Math.sqrt(e.D));
    const depth = e.kind === 'volume' ? DEPTH * side(e.W) : 0;
    const lines = labelLines(box, names);
    const width = Math.max(...lines.map((l) => labelWidth(l.text, l.size)));
    const labelHeight = lines.reduce((sum, l) => sum + lineHeight(l.size), 0);
    return { box, thickness, height, depth, lines, width, labelHeight };
  });
  const columns = Math.max(...column) + 1;
  const columnWidth = new Array<number>(columns).fill(0);
  for (const s of sized) {
    const c = column[s.box.id];
    columnWidth[c] = Math.max(columnWidth[c], s.thickness + s.depth, s.width);
  }
  const columnX: number[] = [];
  let x = 0;
  for (let c = 0; c < columns; c++) {
    columnX.push(x);
    x += columnWidth[c] + COLUMN_GAP;
  }
  const laneIds = [...new Set(lane)].sort((a, b) => a - b);
  const laneY = new Map<number, number>();
  const labelTop = new Map<number, number>();
  let y = 0;
  for (const l of laneIds) {
    const inLane = sized.filter((s) => lane[s.box.id] === l);
    const half = Math.max(...inLane.map((s) => (s.height + s.depth) / 2));
    const labels = Math.max(...inLane.map((s) => s.labelHeight));
    laneY.set(l, y + half);
    labelTop.set(l, y + 2 * half + LABEL_GAP);
    y += 2 * half + LABEL_GAP + labels + LANE_GAP;
  }
  return sized.map((s) => {
    const c = column[s.box.id];
    const l = lane[s.box.id];
    const cx = columnX[c] + columnWidth[c] / 2;
    return {
      ...s.box,
      column: c,
      lane: l,
      x: cx - (s.thickness + s.depth) / 2,
      y: laneY.get(l) ?? 0,
      thickness: s.thickness,
      height: s.height,
      depth: s.depth,
      label: {
        lines: s.lines,
        cx,
        top: labelTop.get(l) ?? 0,
        width: s.width,
        height: s.labelHeight,
      },
    };
  });
}

/** The box's outline (front, top and side faces together). */
export function silhouette(b: PlacedBox): Rect {
  return {
    x0: b.x,
    y0: b.y - (b.height + b.depth) / 2,
    x1: b.x + b.thickness + b.depth,
    y1: b.y + (b.height + b.depth) / 2,
  };
}

export function labelRect(b: PlacedBox): Rect {
  const { cx, top, width, height } = b.label;
  return { x0: cx - width / 2, y0: top, x1: cx + width / 2, y1: top + height };
}

/** Where edges leave (the centre of the right face) and arrive (the front face's left edge). */
const outAnchor = (b: PlacedBox): [number, number] => [b.x + b.thickness + b.depth / 2, b.y];
const inAnchor = (b: PlacedBox): [number, number] => [b.x, b.y];

function rightHead(x: number, y: number): [number, number][] {
  return [
    [x, y],
    [x - HEAD, y - HEAD / 2],
    [x - HEAD, y + HEAD / 2],
  ];
}

/** An edge along lanes: out of the source, bending in the gap at bendX, into the target. */
function laneEdge(a: PlacedBox, b: PlacedBox, bendX: number): Omit<PlacedEdge, 'kind'> {
  const [sx, sy] = outAnchor(a);
  const [ex, ey] = inAnchor(b);
  const half = COLUMN_GAP / 2 - 2;
  const d =
    sy === ey
      ? `M${pt(sx, sy)}L${pt(ex - HEAD, ey)}`
      : `M${pt(sx, sy)}L${pt(bendX - half, sy)}C${pt(bendX, sy)} ${pt(bendX, ey)} ${pt(bendX + half, ey)}L${pt(ex - HEAD, ey)}`;
  return { from: a.id, to: b.id, d, head: rightHead(ex, ey) };
}

interface Arc {
  sx: number;
  sy: number;
  ex: number;
  ey: number;
  c: number;
}

function arcPoint({ sx, sy, ex, ey, c }: Arc, t: number): [number, number] {
  const u = 1 - t;
  const x = sx + (ex - sx) * (3 * t * t - 2 * t * t * t);
  const y = sy * u * u * u + 3 * c * u * u * t + 3 * c * u * t * t + ey * t * t * t;
  return [x, y];
}

const SAMPLES = 64;
function arcSamples(arc: Arc): [number, number][] {
  return Array.from({ length: SAMPLES + 1 }, (_, i) => arcPoint(arc, i / SAMPLES));
}

/** y of a sampled arc at x (linear between samples); null outside its x range. */
function arcYAt(samples: readonly [number, number][], x: number): number | null {
  for (let i = 1; i < samples.length; i++) {
    const [x0, y0] = samples[i - 1];
    const [x1, y1] = samples[i];
    if (x >= x0 && x <= x1)
      return x1 === x0 ? Math.min(y0, y1) : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return null;
}

function clears(
  samples: readonly [number, number][],
  obstacles: readonly Rect[],
  enclosed: readonly { samples: [number, number][]; top: number }[],
): boolean {
  const top = Math.min(...samples.map(([, y]) => y));
  for (const [x, y] of samples) {
    for (const r of obstacles) {
      if (x >= r.x0 - 2 && x <= r.x1 + 2 && y > r.y0 - ARC_CLEARANCE) return false;
    }
  }
  for (const inner of enclosed) {
    if (top > inner.top - ARC_LEVEL_GAP) return false;
    for (const [x, y] of samples) {
      const yi = arcYAt(inner.samples, x);
      if (yi !== null && y > yi) return false;
    }
  }
  return true;
}

/** Lays out the boxes of a graph (architecture-boxes.ts) with their labels and edges. */
export function layoutArchitecture(
  boxes: readonly ArchBox[],
  { names = false }: { names?: boolean } = {},
): ArchitectureLayout {
  const scales = scalesOf(boxes);
  const placed = placeBoxes(boxes, scales, names);
  const at = (column: number, lane: number) =>
    placed.find((b) => b.column === column && b.lane === lane);
  const freeBetween = (lane: number, from: number, to: number): boolean => {
    for (let c = from + 1; c < to; c++) if (at(c, lane) !== undefined) return false;
    return true;
  };
  const gapAfter = (column: number): number => {
    const inColumn = placed.filter((b) => b.column === column);
    const right = Math.max(
      ...inColumn.map((b) => b.label.cx + Math.max(b.label.width, b.thickness + b.depth) / 2),
    );
    return right + COLUMN_GAP / 2;
  };

  const edges: PlacedEdge[] = [];
  const skips: { a: PlacedBox; b: PlacedBox }[] = [];
  for (const b of placed) {
    for (const i of b.inputs) {
      const a = placed[i];
      if (b.column - a.column === 1) {
        edges.push({
          ...laneEdge(a, b, gapAfter(a.column)),
          kind: a.lane === b.lane ? 'straight' : 'branch',
        });
      } else if (freeBetween(b.lane, a.column, b.column)) {
        edges.push({
          ...laneEdge(a, b, gapAfter(a.column)),
          kind: a.lane === b.lane ? 'straight' : 'branch',
        });
      } else if (freeBetween(a.lane, a.column, b.column)) {
        edges.push({ ...laneEdge(a, b, gapAfter(b.column - 1)), kind: 'branch' });
      } else {
        skips.push({ a, b });
      }
    }
  }

  // Skip anchors along each box's top: arriving ones on the left (the longest rightmost),
  // leaving ones on the right (the longest leftmost), so nested arcs do not cross.
  const span = (s: { a: PlacedBox; b: PlacedBox }) => s.b.column - s.a.column;
  const anchorX = new Map<string, number>();
  for (const box of placed) {
    const arriving = skips.filter((s) => s.b === box).sort((p, q) => span(p) - span(q));
    const leaving = skips.filter((s) => s.a === box).sort((p, q) => span(q) - span(p));
    const all = [
      ...arriving.map((s) => `in:${s.a.id}:${s.b.id}`),
      ...leaving.map((s) => `out:${s.a.id}:${s.b.id}`),
    ];
    const left = box.x + box.depth / 2;
    all.forEach((key, k) => anchorX.set(key, left + ((k + 1) / (all.length + 1)) * box.thickness));
  }
  const placedArcs: { a: PlacedBox; b: PlacedBox; samples: [number, number][]; top: number }[] = [];
  for (const s of [...skips].sort((p, q) => span(p) - span(q) || p.a.column - q.a.column)) {
    const { a, b } = s;
    const sx = anchorX.get(`out:${a.id}:${b.id}`) ?? a.x;
    const ex = anchorX.get(`in:${a.id}:${b.id}`) ?? b.x;
    const sy = a.y - a.height / 2;
    const ey = b.y - b.height / 2;
    const lowest = Math.max(a.lane, b.lane);
    const obstacles = placed
      .filter((o) => o.column > a.column && o.column < b.column && o.lane <= lowest)
      .flatMap((o) => [silhouette(o), labelRect(o)]);
    const enclosed = placedArcs.filter((p) => p.a.column >= a.column && p.b.column <= b.column);
    const arc: Arc = { sx, sy, ex, ey: ey - HEAD, c: Math.min(sy, ey) - ARC_CLEARANCE };
    let samples = arcSamples(arc);
    for (let tries = 0; tries < 400 && !clears(samples, obstacles, enclosed); tries++) {
      arc.c -= 4;
      samples = arcSamples(arc);
    }
    placedArcs.push({ a, b, samples, top: Math.min(...samples.map(([, y]) => y)) });
    edges.push({
      from: a.id,
      to: b.id,
      kind: 'skip',
      d: `M${pt(sx, sy)}C${pt(sx, arc.c)} ${pt(ex, arc.c)} ${pt(ex, arc.ey)}`,
      head: [
        [ex, ey],
        [ex - HEAD / 2, ey - HEAD],
        [ex + HEAD / 2, ey - HEAD],
      ],
    });
  }

  const rects = placed.flatMap((b) => [silhouette(b), labelRect(b)]);
  const arcTop = Math.min(0, ...placedArcs.map((p) => p.top));
  const bounds: Rect = {
    x0: Math.min(...rects.map((r) => r.x0)),
    y0: Math.min(arcTop, ...rects.map((r) => r.y0)),
    x1: Math.max(...rects.map((r) => r.x1)),
    y1: Math.max(...rects.map((r) => r.y1)),
  };
  return { boxes: placed, edges, scales, bounds };
}
