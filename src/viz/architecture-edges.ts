/**
 * The edges of an architecture picture between placed boxes (architecture-layout.ts):
 *
 * - to the next column: a line from the centre of the source's right face to the target's
 *   front face at the same height (the lane's line), bending in the gap between the columns
 *   when the lanes differ (a branch);
 * - over several columns: the same when the target's lane is empty in between (bending in the
 *   first gap), or else the source's (bending in the last gap);
 * - otherwise a skip: a cubic arc from the top of the source to the top of the target,
 *
 *     B(t) = (1-t)^3 S + 3(1-t)^2 t (S.x, c) + 3(1-t) t^2 (E.x, c) + t^3 E
 *
 *   its control height c raised in steps until it passes CLEARANCE above every box and label
 *   of the columns between, and above (and ARC_LEVEL_GAP higher than) every skip it encloses,
 *   so nested U-Net skips stack. Skips leave a box's top right of those that arrive there.
 */
import {
  COLUMN_GAP,
  labelRect,
  silhouette,
  type PlacedBox,
  type Rect,
} from './architecture-layout.js';

const HEAD = 7;
const ARC_CLEARANCE = 14;
const ARC_LEVEL_GAP = 12;

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

const round = (v: number): string => String(Math.round(v * 10) / 10);
const pt = (x: number, y: number): string => `${round(x)} ${round(y)}`;

/** Where edges leave (the centre of the right face) and arrive (the front face's left edge). */
const outAnchor = (b: PlacedBox): [number, number] => [b.x + b.thickness + b.depth / 2, b.y];

/**
 * Where each of the edges arriving along lanes meets the target's front face: at the lane's
 * line from the same lane, spread over the face's upper part from lanes above and its lower
 * part from lanes below (the nearer lane nearer the line), so merging arrows stay apart.
 */
function arrivals(b: PlacedBox, sources: readonly PlacedBox[]): Map<number, number> {
  const at = new Map<number, number>();
  const top = b.y + b.depth / 2 - b.height / 2;
  const bottom = b.y + b.depth / 2 + b.height / 2;
  const above = sources.filter((a) => a.lane < b.lane).sort((p, q) => q.lane - p.lane);
  const below = sources.filter((a) => a.lane > b.lane).sort((p, q) => p.lane - q.lane);
  for (const a of sources) if (a.lane === b.lane) at.set(a.id, b.y);
  above.forEach((a, k) => at.set(a.id, b.y - ((k + 1) / (above.length + 1)) * (b.y - top - 2)));
  below.forEach((a, k) => at.set(a.id, b.y + ((k + 1) / (below.length + 1)) * (bottom - 2 - b.y)));
  return at;
}

function rightHead(x: number, y: number): [number, number][] {
  return [
    [x, y],
    [x - HEAD, y - HEAD / 2],
    [x - HEAD, y + HEAD / 2],
  ];
}

/** An edge along lanes: out of the source, bending in the gap at bendX, into the target. */
function laneEdge(a: PlacedBox, b: PlacedBox, bendX: number, ey: number): Omit<PlacedEdge, 'kind'> {
  const [sx, sy] = outAnchor(a);
  const ex = b.x;
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

/** The edges between placed boxes, and the top of the highest arc (0 when none rises above). */
export function routeEdges(placed: readonly PlacedBox[]): { edges: PlacedEdge[]; top: number } {
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
    const alongLanes: { a: PlacedBox; bendX: number }[] = [];
    for (const i of b.inputs) {
      const a = placed[i];
      if (freeBetween(b.lane, a.column, b.column)) {
        alongLanes.push({ a, bendX: gapAfter(a.column) });
      } else if (freeBetween(a.lane, a.column, b.column)) {
        alongLanes.push({ a, bendX: gapAfter(b.column - 1) });
      } else {
        skips.push({ a, b });
      }
    }
    const arrive = arrivals(
      b,
      alongLanes.map(({ a }) => a),
    );
    for (const { a, bendX } of alongLanes) {
      const ey = arrive.get(a.id) ?? b.y;
      edges.push({
        ...laneEdge(a, b, bendX, ey),
        kind: a.lane === b.lane && ey === b.y ? 'straight' : 'branch',
      });
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

  return { edges, top: Math.min(0, ...placedArcs.map((p) => p.top)) };
}
