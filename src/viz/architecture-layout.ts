/**
 * Where the boxes of an architecture picture go, and their labels. Units are SVG pixels;
 * y grows downwards.
 *
 * A volume of C maps of H x W is a box in oblique (cabinet) projection: its front face is
 * thickness(C) wide and side(H) tall, and its depth side(W) recedes up and to the right at 45
 * degrees, shortened to DEPTH:
 *
 *   side(v)      = max(MIN_SIDE, unit * v)         unit = min(MAX_UNIT, MAX_SIDE / largest H or W)
 *                  (or unit * sqrt(v), with sqrt(largest), when the largest H or W is more than
 *                  MAX_LINEAR_RANGE times the smallest above 1: 224 down to 7 stays readable)
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
 * boxes that continue from the column before come first; each takes its input's lane (a merge:
 * the one of its inputs' lanes nearest their mean, the main lane on a tie), or the nearest free
 * one (0, +1, -1, +2, ...). Each box's centre (mid-depth) is on its lane's line.

 * The edges between the boxes are architecture-edges.ts.
 */
import { labelWidth } from './svg-text.js';
import type { ArchBox } from './architecture-boxes.js';

const MAX_SIDE = 112;
const MAX_UNIT = 6;
const MIN_SIDE = 4;
/** Beyond this ratio of the largest to the smallest H or W, sides follow sqrt(v). */
const MAX_LINEAR_RANGE = 16;
const DEPTH = 0.35;
const MAX_THICKNESS = 56;
const MAX_KC = 3;
const MIN_THICKNESS = 2;
const BAR_WIDTH = 6;
const MAX_BAR = 140;
const MAX_KD = 6;
const MIN_BAR = 4;
export const COLUMN_GAP = 34;
const LANE_GAP = 30;
const LABEL_GAP = 8;

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

export interface Scales {
  /** How H and W become pixels: unit * v (linear) or unit * sqrt(v). */
  spatial: 'linear' | 'sqrt';
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

export function scalesOf(boxes: readonly ArchBox[]): Scales {
  let largest = 1;
  let smallest = Infinity;
  let channels = 1;
  let flat = 1;
  for (const { extent: e } of boxes) {
    if (e.kind === 'volume') {
      largest = Math.max(largest, e.H, e.W);
      for (const v of [e.H, e.W]) if (v > 1) smallest = Math.min(smallest, v);
      channels = Math.max(channels, e.C);
    } else {
      flat = Math.max(flat, e.D);
    }
  }
  const spatial = largest / Math.max(1, smallest) > MAX_LINEAR_RANGE ? 'sqrt' : 'linear';
  return {
    spatial,
    unit:
      spatial === 'linear'
        ? Math.min(MAX_UNIT, MAX_SIDE / largest)
        : Math.min(MAX_UNIT, MAX_SIDE / Math.sqrt(largest)),
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

/** A box's lane of choice: its input's; for a merge, its inputs' lane nearest their mean. */
function mergeLane(lanes: readonly number[]): number {
  const mean = lanes.reduce((a, b) => a + b, 0) / lanes.length;
  const distance = (l: number) => Math.abs(l - mean);
  return [...lanes].sort((a, b) => distance(a) - distance(b) || Math.abs(a) - Math.abs(b))[0];
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
      const want = box.inputs.length > 0 ? mergeLane(box.inputs.map((i) => lane[i])) : 0;
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

/** Places the boxes (columns, lanes, sizes) and their labels; names adds each box's name as its label's first line. */
export function placeBoxes(boxes: readonly ArchBox[], scales: Scales, names: boolean): PlacedBox[] {
  const column = columnsOf(boxes);
  const lane = lanesOf(boxes, column);
  const sized = boxes.map((box) => {
    const e = box.extent;
    const side = (v: number) =>
      Math.max(MIN_SIDE, scales.unit * (scales.spatial === 'linear' ? v : Math.sqrt(v)));
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
