/** Binary ops with broadcasting: the machinery behind binary.ts (see lib/elementwise.ts). */
import { loadN, range, storeN } from './elementwise';

// ---- binary kernels with broadcasting ----

export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;

@inline
function combineV(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

@inline
function recordShape(g: usize, k: i32): i32 {
  return load<i32>(g + 4 + ((<usize>k) << 2));
}

/** Stride of operand 0 (a) or 1 (b) on axis k. */
@inline
function recordStride(g: usize, operand: i32, k: i32): i32 {
  const rank = load<i32>(g);
  return load<i32>(g + 4 + ((<usize>(rank * (1 + operand) + k)) << 2));
}

@inline
export function binaryForward(
  tid: i32,
  threads: i32,
  op: i32,
  g: usize,
  y: usize,
  a: usize,
  b: usize,
): void {
  const rank = load<i32>(g);
  let size = 1;
  for (let k = 0; k < rank; k++) size *= recordShape(g, k);
  const inner = recordShape(g, rank - 1);
  const sa = recordStride(g, 0, rank - 1);
  const sb = recordStride(g, 1, rank - 1);
  const end = range(size, tid, threads, false);
  let pos = range(size, tid, threads, true);
  while (pos < end) {
    // The row of pos: its offsets into a and b from the outer axes.
    let row = pos / inner;
    const col = pos - row * inner;
    let offA = col * sa;
    let offB = col * sb;
    for (let k = rank - 2; k >= 0; k--) {
      const d = recordShape(g, k);
      const index = row % d;
      row /= d;
      offA += index * recordStride(g, 0, k);
      offB += index * recordStride(g, 1, k);
    }
    const run = min(inner - col, end - pos);
    const pa = a + ((<usize>offA) << 2);
    const pb = b + ((<usize>offB) << 2);
    const py = y + ((<usize>pos) << 2);
    for (let t = 0; t < run; t += 4) {
      const n = run - t;
      const va = sa == 0 ? v128.load32_splat(pa) : loadN(pa + ((<usize>t) << 2), n);
      const vb = sb == 0 ? v128.load32_splat(pb) : loadN(pb + ((<usize>t) << 2), n);
      storeN(py + ((<usize>t) << 2), combineV(op, va, vb), n);
    }
    pos += run;
  }
}

/** One term of d(self): dy times the derivative of y = a op b with respect to self. */
@inline
function gradTermV(op: i32, self: i32, dy: v128, other: v128, own: v128): v128 {
  if (op == ADD) return dy;
  if (op == SUB) return self == 0 ? dy : f32x4.neg(dy);
  if (op == MUL) return f32x4.mul(dy, other);
  if (self == 0) return f32x4.div(dy, other);
  return f32x4.neg(f32x4.div(f32x4.mul(dy, other), f32x4.mul(own, own)));
}

/**
 * Offsets into dy and into the other operand of the output point whose indices on the axes
 * with (stride of self != 0) == kept are read from `index`, row-major, among axes < last.
 * Packed as (dy offset << 32) | other offset.
 */
@inline
function place(g: usize, self: i32, kept: bool, last: i32, index: i32): i64 {
  const rank = load<i32>(g);
  let dyStride = 1;
  for (let k = rank - 1; k >= last; k--) dyStride *= recordShape(g, k);
  let offDy = 0;
  let offOther = 0;
  for (let k = last - 1; k >= 0; k--) {
    const d = recordShape(g, k);
    if ((recordStride(g, self, k) != 0) == kept) {
      const i = index % d;
      index /= d;
      offDy += i * dyStride;
      offOther += i * recordStride(g, 1 - self, k);
    }
    dyStride *= d;
  }
  return ((<i64>offDy) << 32) | (<i64>offOther);
}

/** Floats summed in f32 lanes before they go into an f64 total (a multiple of 4). */
const LANE_BLOCK = 4096;

/**
 * d(self) for self = 0 (a) or 1 (b), over self's own elements j, which the threads share.
 * Each j is the sum of its terms over the axes self is broadcast along, in increasing output
 * order: row by row of dy when self's innermost axis is kept (four j at once), else along the
 * contiguous innermost run in four f32 lanes, whose lanes go into an f64 total every
 * LANE_BLOCK floats (so a sum of millions of terms, a sum over every axis, keeps float32
 * precision), in a fixed order.
 */
@inline
export function binaryBackward(
  tid: i32,
  threads: i32,
  op: i32,
  self: i32,
  g: usize,
  dg: usize,
  dy: usize,
  a: usize,
  b: usize,
): void {
  const rank = load<i32>(g);
  const own = self == 0 ? a : b;
  const other = self == 0 ? b : a;
  let count = 1;
  let reduced = 1;
  for (let k = 0; k < rank - 1; k++) {
    if (recordStride(g, self, k) != 0) count *= recordShape(g, k);
    else reduced *= recordShape(g, k);
  }
  const inner = recordShape(g, rank - 1);
  const innerKept = recordStride(g, self, rank - 1) != 0;
  const otherInner = recordStride(g, 1 - self, rank - 1);
  if (innerKept) count *= inner;
  const end = range(count, tid, threads, false);
  let j = range(count, tid, threads, true);
  if (innerKept) {
    while (j < end) {
      const row = j / inner;
      const col = j - row * inner;
      const run = min(inner - col, end - j);
      const base = place(g, self, true, rank - 1, row);
      const pg = dg + ((<usize>j) << 2);
      const po = own + ((<usize>j) << 2);
      for (let t = 0; t < run; t += 4) storeN(pg + ((<usize>t) << 2), f32x4.splat(0), run - t);
      for (let r = 0; r < reduced; r++) {
        const at = base + place(g, self, false, rank - 1, r);
        const pdy = dy + ((<usize>(<i32>(at >> 32) + col)) << 2);
        const pother = other + ((<usize>(<i32>at + col * otherInner)) << 2);
        for (let t = 0; t < run; t += 4) {
          const n = run - t;
          const o =
            otherInner == 0 ? v128.load32_splat(pother) : loadN(pother + ((<usize>t) << 2), n);
          const term = gradTermV(
            op,
            self,
            loadN(pdy + ((<usize>t) << 2), n),
            o,
            loadN(po + ((<usize>t) << 2), n),
          );
          const p = pg + ((<usize>t) << 2);
          storeN(p, f32x4.add(loadN(p, n), term), n);
        }
      }
      j += run;
    }
    return;
  }
  for (; j < end; j++) {
    const base = place(g, self, true, rank - 1, j);
    const vown = v128.load32_splat(own + ((<usize>j) << 2));
    let total: f64 = 0;
    for (let r = 0; r < reduced; r++) {
      const at = base + place(g, self, false, rank - 1, r);
      const pdy = dy + ((<usize>(<i32>(at >> 32))) << 2);
      const pother = other + ((<usize>(<i32>at)) << 2);
      for (let block = 0; block < inner; block += LANE_BLOCK) {
        const stop = min(inner, block + LANE_BLOCK);
        let acc = f32x4.splat(0);
        for (let t = block; t < stop; t += 4) {
          const n = stop - t;
          const o =
            otherInner == 0 ? v128.load32_splat(pother) : loadN(pother + ((<usize>t) << 2), n);
          const term = gradTermV(op, self, loadN(pdy + ((<usize>t) << 2), n), o, vown);
          // Lanes past the run (zero-padded, where 0/0 would be NaN) add exactly 0.
          acc = f32x4.add(acc, v128.and(term, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(n))));
        }
        total +=
          <f64>f32x4.extract_lane(acc, 0) +
          <f64>f32x4.extract_lane(acc, 1) +
          (<f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3));
      }
    }
    store<f32>(dg + ((<usize>j) << 2), <f32>total);
  }
}
