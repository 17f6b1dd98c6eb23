/**
 * The elementwise family, threaded over contiguous ranges, f32x4 over the bulk. Same contracts as
 * the reference kernels of the same names (src/kernels/reference/):
 *
 *   relu       y = max(x, 0) (NaN kept)            dx = dy * [x > 0]
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
import { reluOf } from './simd';

// ---- ranges and partial vectors ----

/** Thread tid's range of `count` items, in whole groups of 4 (start when first, else end). */
@inline
export function range(count: i32, tid: i32, threads: i32, first: bool): i32 {
  const chunks = (count + 3) >> 2;
  return min(count, shareStart(chunks, first ? tid : tid + 1, threads) << 2);
}

/** The n (1..4) floats at p, zero-padded to a vector. */
@inline
export function loadN(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the first n (1..4) lanes of v at p. */
@inline
export function storeN(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/**
 * The two gradients of a loss of d = x - t at byte offset `at`: dx = g and dt = -g, each skipped
 * where its pointer is 0.
 */
@inline
export function storeDifferenceGradients(dx: usize, dt: usize, at: usize, g: v128, n: i32): void {
  if (dx != 0) storeN(dx + at, g, n);
  if (dt != 0) storeN(dt + at, f32x4.neg(g), n);
}

// ---- f32x4 math ----

/**
 * exp(x), Cephes' expf; 0 below -88.37, clamped at exp(88.37) above. The clamp is pmax/pmin with x
 * first (x < lo ? lo : x, then hi < x ? hi : x): one instruction each on x64, where min and max
 * take about eight for their NaN and -0 rules, and a NaN x still passes through (both compares
 * are false); the same values as min(max(x, lo), hi) for every x.
 */
@inline
export function expV(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-88.3762626647949)), f32x4.splat(88.3762626647949));
  const n = f32x4.floor(
    f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)),
  );
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.98756915e-4);
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
export function sigmoidV(x: v128): v128 {
  const e = expV(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, f32x4.splat(0)));
}

@inline
export function tanhV(x: v128): v128 {
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
export function normalCdfV(x: v128): v128 {
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

export const LEAKY_RELU = 0;
export const SIGMOID = 1;
export const TANH = 2;
export const GELU = 3;
export const SILU = 4;
export const RELU = 5;

@inline
function forwardV(op: i32, x: v128, a: v128): v128 {
  // max(x, 0) keeps NaN (as the reference does) and maps -0 to 0.
  if (op == RELU) return reluOf(x);
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
  if (op == RELU) return v128.and(dy, f32x4.gt(u, f32x4.splat(0)));
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
export function unaryForward(
  op: i32,
  tid: i32,
  threads: i32,
  y: usize,
  x: usize,
  count: i32,
  a: f32,
): void {
  const end = range(count, tid, threads, false);
  const va = f32x4.splat(a);
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    storeN(y + at, forwardV(op, loadN(x + at, n), va), n);
  }
}

@inline
export function unaryBackward(
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
