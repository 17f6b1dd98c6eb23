/**
 * The elementwise family, threaded over contiguous ranges, f32x4 over the bulk. Same contracts as
 * the reference kernels of the same names (src/kernels/reference/):
 *
 *   leakyRelu  y = x > 0 ? x : a x                 dx = dy * (x > 0 ? 1 : a)
 *   sigmoid    y = s = 1 / (1 + exp(-x))           dx = dy * y (1 - y)        (reads y)
 *   tanh       y = tanh x                          dx = dy * (1 - y^2)        (reads y)
 *   gelu       y = x Phi(x)                        dx = dy * (Phi(x) + x phi(x))
 *   silu       y = x s                             dx = dy * s (1 + x (1 - s))
 *   add, sub, mul, div with broadcasting           da, db summed over the axes each was broadcast along
 *   dropout    y = keep(i) ? x * scale : 0         dx = keep(i) ? dy * scale : 0
 *
 * Transcendentals in f32: exp as Cephes' expf (2^n times a degree-6 polynomial on
 * [-ln2/2, ln2/2], about 1 ulp); tanh(x) = sign(x) (1 - e)/(1 + e), e = exp(-2|x|), and Cephes'
 * odd polynomial for |x| < 0.625 where 1 - e would cancel; Phi(x) from erfc(|x|/sqrt 2) by
 * Numerical Recipes' erfcc (t = 1/(1 + z/2), erfc(z) = t exp(-z^2 + P(t)), relative error
 * < 1.2e-7 on all of z >= 0, so the tail keeps its precision); sigmoid from e = exp(-|x|) as
 * 1/(1 + e) or e/(1 + e), never overflowing.
 *
 * Every element goes through the same f32x4 code (a tail is padded into a vector), and ranges
 * start on multiples of 4, so results are bitwise the same for any thread count. Backward
 * reductions are owned by the element they produce: each da/db element is summed by one thread
 * in increasing output order, whatever the thread count.
 *
 * Pointers are byte offsets; `slope` and `scale` point at an f64. The broadcast record (i32) is
 * [rank, shape[rank], aStrides[rank], bStrides[rank]], with size-1 axes dropped and adjacent
 * axes merged where both operands allow (the host's coalescing); strides are 0 on broadcast axes.
 */
import { shareStart } from './geometry';

// ---- ranges and partial vectors ----

/** Thread tid's range of `count` items, in whole groups of 4 (start when first, else end). */
@inline
function range(count: i32, tid: i32, threads: i32, first: bool): i32 {
  const chunks = (count + 3) >> 2;
  return min(count, shareStart(chunks, first ? tid : tid + 1, threads) << 2);
}

/** The n (1..4) floats at p, zero-padded to a vector. */
@inline
function loadN(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the first n (1..4) lanes of v at p. */
@inline
function storeN(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// ---- f32x4 math ----

/** exp(x), Cephes' expf; 0 below -88.37, clamped at exp(88.37) above. */
@inline
function expV(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-88.3762626647949)), f32x4.splat(88.3762626647949));
  const n = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(x, x)), x), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** The logistic function, from e = exp(-|x|): 1/(1 + e) for x >= 0, e/(1 + e) below. */
@inline
function sigmoidV(x: v128): v128 {
  const e = expV(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, f32x4.splat(0)));
}

@inline
function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const e = expV(f32x4.mul(ax, f32x4.splat(-2)));
  const big = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  // sign(x) * big: copy x's sign bit onto the non-negative big.
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** Phi(x), the standard normal CDF: erfcc(|x|/sqrt 2)/2, reflected for x > 0. */
@inline
function normalCdfV(x: v128): v128 {
  const z = f32x4.mul(f32x4.abs(x), f32x4.splat(0.7071067811865476));
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(z, f32x4.splat(0.5))));
  let p = f32x4.splat(0.17087277);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.82215223));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.48851587));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.13520398));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.27886807));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.18628806));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.09678418));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.37409196));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.00002368));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.26551223));
  const half = f32x4.mul(f32x4.mul(t, expV(f32x4.sub(p, f32x4.mul(z, z)))), f32x4.splat(0.5));
  return v128.bitselect(f32x4.sub(f32x4.splat(1), half), half, f32x4.gt(x, f32x4.splat(0)));
}

// ---- unary kernels ----

const LEAKY_RELU = 0;
const SIGMOID = 1;
const TANH = 2;
const GELU = 3;
const SILU = 4;

@inline
function forwardV(op: i32, x: v128, a: v128): v128 {
  if (op == LEAKY_RELU) return v128.bitselect(x, f32x4.mul(x, a), f32x4.gt(x, f32x4.splat(0)));
  if (op == SIGMOID) return sigmoidV(x);
  if (op == TANH) return tanhV(x);
  if (op == GELU) return f32x4.mul(x, normalCdfV(x));
  return f32x4.mul(x, sigmoidV(x));
}

/** dy * f'(u), where u is x, or y for sigmoid and tanh. */
@inline
function backwardV(op: i32, dy: v128, u: v128, a: v128): v128 {
  const one = f32x4.splat(1);
  if (op == LEAKY_RELU) {
    return v128.bitselect(dy, f32x4.mul(dy, a), f32x4.gt(u, f32x4.splat(0)));
  }
  if (op == SIGMOID) return f32x4.mul(f32x4.mul(dy, u), f32x4.sub(one, u));
  if (op == TANH) return f32x4.mul(dy, f32x4.sub(one, f32x4.mul(u, u)));
  if (op == GELU) {
    const density = f32x4.mul(
      expV(f32x4.mul(f32x4.mul(u, u), f32x4.splat(-0.5))),
      f32x4.splat(0.3989422804014327),
    );
    return f32x4.mul(dy, f32x4.add(normalCdfV(u), f32x4.mul(u, density)));
  }
  const s = sigmoidV(u);
  return f32x4.mul(f32x4.mul(dy, s), f32x4.add(one, f32x4.mul(u, f32x4.sub(one, s))));
}

@inline
function unaryForward(op: i32, tid: i32, threads: i32, y: usize, x: usize, count: i32, a: f32): void {
  const end = range(count, tid, threads, false);
  const va = f32x4.splat(a);
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    storeN(y + at, forwardV(op, loadN(x + at, n), va), n);
  }
}

@inline
function unaryBackward(
  op: i32,
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  u: usize,
  count: i32,
  a: f32,
): void {
  const end = range(count, tid, threads, false);
  const va = f32x4.splat(a);
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    storeN(dx + at, backwardV(op, loadN(dy + at, n), loadN(u + at, n), va), n);
  }
}

export function leakyReluForward(tid: i32, threads: i32, y: usize, x: usize, count: i32, slope: usize): void {
  unaryForward(LEAKY_RELU, tid, threads, y, x, count, <f32>load<f64>(slope));
}

export function leakyReluBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  x: usize,
  count: i32,
  slope: usize,
): void {
  unaryBackward(LEAKY_RELU, tid, threads, dx, dy, x, count, <f32>load<f64>(slope));
}

export function sigmoidForward(tid: i32, threads: i32, y: usize, x: usize, count: i32): void {
  unaryForward(SIGMOID, tid, threads, y, x, count, 0);
}

export function sigmoidBackward(tid: i32, threads: i32, dx: usize, dy: usize, y: usize, count: i32): void {
  unaryBackward(SIGMOID, tid, threads, dx, dy, y, count, 0);
}

export function tanhForward(tid: i32, threads: i32, y: usize, x: usize, count: i32): void {
  unaryForward(TANH, tid, threads, y, x, count, 0);
}

export function tanhBackward(tid: i32, threads: i32, dx: usize, dy: usize, y: usize, count: i32): void {
  unaryBackward(TANH, tid, threads, dx, dy, y, count, 0);
}

export function geluForward(tid: i32, threads: i32, y: usize, x: usize, count: i32): void {
  unaryForward(GELU, tid, threads, y, x, count, 0);
}

export function geluBackward(tid: i32, threads: i32, dx: usize, dy: usize, x: usize, count: i32): void {
  unaryBackward(GELU, tid, threads, dx, dy, x, count, 0);
}

export function siluForward(tid: i32, threads: i32, y: usize, x: usize, count: i32): void {
  unaryForward(SILU, tid, threads, y, x, count, 0);
}

export function siluBackward(tid: i32, threads: i32, dx: usize, dy: usize, x: usize, count: i32): void {
  unaryBackward(SILU, tid, threads, dx, dy, x, count, 0);
}

// ---- dropout ----

/** MurmurHash3's finalizer on four lanes. */
@inline
function fmix32V(h: v128): v128 {
  h = v128.xor(h, i32x4.shr_u(h, 16));
  h = i32x4.mul(h, i32x4.splat(0x85ebca6b));
  h = v128.xor(h, i32x4.shr_u(h, 13));
  h = i32x4.mul(h, i32x4.splat(0xc2b2ae35));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

/**
 * keep(i) = hash(seed, i) >= threshold (unsigned), hash = fmix32(fmix32(i ^ k) + k),
 * k = fmix32(seed + 0x9e3779b9); out = keep ? in * scale : 0, the product taken in f64 and
 * rounded once, as the reference's. scale = 0 (p = 1) keeps nothing.
 */
export function dropoutApply(
  tid: i32,
  threads: i32,
  out: usize,
  input: usize,
  count: i32,
  seed: i32,
  threshold: i32,
  scale: usize,
): void {
  const end = range(count, tid, threads, false);
  const s = load<f64>(scale);
  const vk = i32x4.splat(i32x4.extract_lane(fmix32V(i32x4.splat(seed + 0x9e3779b9)), 0));
  const vs = f64x2.splat(s);
  const vt = i32x4.splat(threshold);
  const none = s == 0;
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    const index = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
    const h = fmix32V(i32x4.add(fmix32V(v128.xor(index, vk)), vk));
    // h >= t unsigned: max_u(h, t) == h.
    const keep = none ? i32x4.splat(0) : i32x4.eq(i32x4.max_u(h, vt), h);
    const v = loadN(input + at, n);
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), vs));
    const high = i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(high), vs));
    const scaled = i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    storeN(out + at, v128.and(scaled, keep), n);
  }
}

// ---- binary kernels with broadcasting ----

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;

@inline
function combineV(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

@inline
function recordShape(g: usize, k: i32): i32 {
  return load<i32>(g + 4 + (<usize>k << 2));
}

/** Stride of operand 0 (a) or 1 (b) on axis k. */
@inline
function recordStride(g: usize, operand: i32, k: i32): i32 {
  const rank = load<i32>(g);
  return load<i32>(g + 4 + (<usize>(rank * (1 + operand) + k) << 2));
}

@inline
function binaryForward(tid: i32, threads: i32, op: i32, g: usize, y: usize, a: usize, b: usize): void {
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
    const pa = a + (<usize>offA << 2);
    const pb = b + (<usize>offB << 2);
    const py = y + (<usize>pos << 2);
    for (let t = 0; t < run; t += 4) {
      const n = run - t;
      const va = sa == 0 ? v128.load32_splat(pa) : loadN(pa + (<usize>t << 2), n);
      const vb = sb == 0 ? v128.load32_splat(pb) : loadN(pb + (<usize>t << 2), n);
      storeN(py + (<usize>t << 2), combineV(op, va, vb), n);
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
  return (<i64>offDy << 32) | <i64>offOther;
}

/**
 * d(self) for self = 0 (a) or 1 (b), over self's own elements j, which the threads share.
 * Each j is the sum of its terms over the axes self is broadcast along, in increasing output
 * order: row by row of dy when self's innermost axis is kept (four j at once), else along the
 * contiguous innermost run in four lanes, summed in a fixed order.
 */
@inline
function binaryBackward(
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
      const pg = dg + (<usize>j << 2);
      const po = own + (<usize>j << 2);
      for (let t = 0; t < run; t += 4) storeN(pg + (<usize>t << 2), f32x4.splat(0), run - t);
      for (let r = 0; r < reduced; r++) {
        const at = base + place(g, self, false, rank - 1, r);
        const pdy = dy + (<usize>(<i32>(at >> 32) + col) << 2);
        const pother = other + (<usize>(<i32>at + col * otherInner) << 2);
        for (let t = 0; t < run; t += 4) {
          const n = run - t;
          const o = otherInner == 0 ? v128.load32_splat(pother) : loadN(pother + (<usize>t << 2), n);
          const term = gradTermV(op, self, loadN(pdy + (<usize>t << 2), n), o, loadN(po + (<usize>t << 2), n));
          const p = pg + (<usize>t << 2);
          storeN(p, f32x4.add(loadN(p, n), term), n);
        }
      }
      j += run;
    }
    return;
  }
  for (; j < end; j++) {
    const base = place(g, self, true, rank - 1, j);
    const vown = v128.load32_splat(own + (<usize>j << 2));
    let acc = f32x4.splat(0);
    for (let r = 0; r < reduced; r++) {
      const at = base + place(g, self, false, rank - 1, r);
      const pdy = dy + (<usize>(<i32>(at >> 32)) << 2);
      const pother = other + (<usize>(<i32>at) << 2);
      for (let t = 0; t < inner; t += 4) {
        const n = inner - t;
        const o = otherInner == 0 ? v128.load32_splat(pother) : loadN(pother + (<usize>t << 2), n);
        const term = gradTermV(op, self, loadN(pdy + (<usize>t << 2), n), o, vown);
        // Lanes past the run (zero-padded, where 0/0 would be NaN) add exactly 0.
        acc = f32x4.add(acc, v128.and(term, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(n))));
      }
    }
    const sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    store<f32>(dg + (<usize>j << 2), sum);
  }
}

export function addForward(tid: i32, threads: i32, g: usize, y: usize, a: usize, b: usize): void {
  binaryForward(tid, threads, ADD, g, y, a, b);
}

export function subForward(tid: i32, threads: i32, g: usize, y: usize, a: usize, b: usize): void {
  binaryForward(tid, threads, SUB, g, y, a, b);
}

export function mulForward(tid: i32, threads: i32, g: usize, y: usize, a: usize, b: usize): void {
  binaryForward(tid, threads, MUL, g, y, a, b);
}

export function divForward(tid: i32, threads: i32, g: usize, y: usize, a: usize, b: usize): void {
  binaryForward(tid, threads, DIV, g, y, a, b);
}

/** d(self), self = 0 for da and 1 for db; a and b are read only where the op needs them. */
export function addBackward(tid: i32, threads: i32, self: i32, g: usize, dg: usize, dy: usize): void {
  binaryBackward(tid, threads, ADD, self, g, dg, dy, dy, dy);
}

export function subBackward(tid: i32, threads: i32, self: i32, g: usize, dg: usize, dy: usize): void {
  binaryBackward(tid, threads, SUB, self, g, dg, dy, dy, dy);
}

export function mulBackward(
  tid: i32,
  threads: i32,
  self: i32,
  g: usize,
  dg: usize,
  dy: usize,
  a: usize,
  b: usize,
): void {
  binaryBackward(tid, threads, MUL, self, g, dg, dy, a, b);
}

export function divBackward(
  tid: i32,
  threads: i32,
  self: i32,
  g: usize,
  dg: usize,
  dy: usize,
  a: usize,
  b: usize,
): void {
  binaryBackward(tid, threads, DIV, self, g, dg, dy, a, b);
}
