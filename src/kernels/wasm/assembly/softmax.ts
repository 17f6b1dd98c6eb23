/**
 * Softmax and log-softmax along one axis; the contracts of src/kernels/reference/softmax.ts and
 * log-softmax.ts. x:(outer, K, inner) around the axis; fibre f = o*inner + i is x[o, :, i]:
 *
 *   softmax     y[k] = exp(x[k] - m) / sum_j exp(x[j] - m),  m = max_j x[j]
 *               dx[k] = y[k] (dy[k] - sum_j dy[j] y[j])
 *   logSoftmax  y[k] = x[k] - (m + log sum_j exp(x[j] - m))
 *               dx[k] = dy[k] - exp(y[k]) sum_j dy[j]
 *
 * Four consecutive fibres go through f32x4 lanes together (exp: lib/elementwise's expV): their
 * elements are one vector apart when the four share o (the common case, inner >= 4), and are
 * gathered lane by lane otherwise (inner < 4, or a group across an o boundary). Each lane is
 * computed on its own with the same arithmetic whatever its group, and the threads share the
 * fibres in groups of 4, so results do not depend on the thread count.
 */
import { expV, range } from './lib/elementwise';

/**
 * Byte offsets of element 0 of four fibres, packed in an i32x4 (lane l: fibre f + min(l, n-1),
 * so lanes past the n fibres left repeat the last one: computed alike and stored twice, same
 * value). Offsets fit in i32: the kernels' memory is below 2 GiB. When the four are one vector
 * (`together`) only lane 0 is read, and the others are not computed.
 */
@inline
function place(f: i32, n: i32, K: i32, inner: i32): v128 {
  const o = f / inner;
  const i = f - o * inner;
  let v = i32x4.splat((o * K * inner + i) << 2);
  if (n == 4 && i + 3 < inner) return v;
  v = i32x4.replace_lane(v, 1, fibreStart(f + min(1, n - 1), K, inner));
  v = i32x4.replace_lane(v, 2, fibreStart(f + min(2, n - 1), K, inner));
  return i32x4.replace_lane(v, 3, fibreStart(f + min(3, n - 1), K, inner));
}

/**
 * Four distinct fibres (n = 4) are one vector when they share o (or K = 1, where every fibre
 * is one float after the last).
 */
@inline
function together(f: i32, n: i32, K: i32, inner: i32): bool {
  if (n < 4) return false;
  return K == 1 || (f % inner) + 3 < inner;
}

@inline
function fibreStart(f: i32, K: i32, inner: i32): i32 {
  const o = f / inner;
  return (o * K * inner + (f - o * inner)) << 2;
}

@inline
function gather(p: usize, b: v128, one: bool): v128 {
  if (one) return v128.load(p + <usize>i32x4.extract_lane(b, 0));
  let v = v128.load32_splat(p + <usize>i32x4.extract_lane(b, 0));
  v = v128.load32_lane(p + <usize>i32x4.extract_lane(b, 1), v, 1);
  v = v128.load32_lane(p + <usize>i32x4.extract_lane(b, 2), v, 2);
  return v128.load32_lane(p + <usize>i32x4.extract_lane(b, 3), v, 3);
}

@inline
function scatter(p: usize, v: v128, b: v128, one: bool): void {
  if (one) {
    v128.store(p + <usize>i32x4.extract_lane(b, 0), v);
    return;
  }
  v128.store32_lane(p + <usize>i32x4.extract_lane(b, 0), v, 0);
  v128.store32_lane(p + <usize>i32x4.extract_lane(b, 1), v, 1);
  v128.store32_lane(p + <usize>i32x4.extract_lane(b, 2), v, 2);
  v128.store32_lane(p + <usize>i32x4.extract_lane(b, 3), v, 3);
}

@inline
function fibreMax(x: usize, step: usize, K: i32, b: v128, one: bool): v128 {
  let m = f32x4.splat(-Infinity);
  for (let k = 0; k < K; k++) m = f32x4.max(m, gather(x + <usize>k * step, b, one));
  return m;
}

/** m + log(s) per lane, the log in f64. */
@inline
function logSumExp(m: v128, s: v128): v128 {
  let v = f32x4.splat(<f32>Math.log(<f64>f32x4.extract_lane(s, 0)));
  v = f32x4.replace_lane(v, 1, <f32>Math.log(<f64>f32x4.extract_lane(s, 1)));
  v = f32x4.replace_lane(v, 2, <f32>Math.log(<f64>f32x4.extract_lane(s, 2)));
  v = f32x4.replace_lane(v, 3, <f32>Math.log(<f64>f32x4.extract_lane(s, 3)));
  return f32x4.add(m, v);
}

export function softmaxAxisForward(
  tid: i32,
  threads: i32,
  outer: i32,
  K: i32,
  inner: i32,
  y: usize,
  x: usize,
): void {
  const step = (<usize>inner) << 2;
  const end = range(outer * inner, tid, threads, false);
  for (let f = range(outer * inner, tid, threads, true); f < end; f += 4) {
    const n = min(4, end - f);
    const b = place(f, n, K, inner);
    const one = together(f, n, K, inner);
    const m = fibreMax(x, step, K, b, one);
    let s = f32x4.splat(0);
    for (let k = 0; k < K; k++) {
      const e = expV(f32x4.sub(gather(x + <usize>k * step, b, one), m));
      scatter(y + <usize>k * step, e, b, one);
      s = f32x4.add(s, e);
    }
    for (let k = 0; k < K; k++) {
      const at = y + <usize>k * step;
      scatter(at, f32x4.div(gather(at, b, one), s), b, one);
    }
  }
}

export function softmaxAxisBackward(
  tid: i32,
  threads: i32,
  outer: i32,
  K: i32,
  inner: i32,
  dx: usize,
  dy: usize,
  y: usize,
): void {
  const step = (<usize>inner) << 2;
  const end = range(outer * inner, tid, threads, false);
  for (let f = range(outer * inner, tid, threads, true); f < end; f += 4) {
    const n = min(4, end - f);
    const b = place(f, n, K, inner);
    const one = together(f, n, K, inner);
    let dot = f32x4.splat(0);
    for (let k = 0; k < K; k++) {
      const at = <usize>k * step;
      dot = f32x4.add(dot, f32x4.mul(gather(dy + at, b, one), gather(y + at, b, one)));
    }
    for (let k = 0; k < K; k++) {
      const at = <usize>k * step;
      const d = f32x4.sub(gather(dy + at, b, one), dot);
      scatter(dx + at, f32x4.mul(gather(y + at, b, one), d), b, one);
    }
  }
}

export function logSoftmaxForward(
  tid: i32,
  threads: i32,
  outer: i32,
  K: i32,
  inner: i32,
  y: usize,
  x: usize,
): void {
  const step = (<usize>inner) << 2;
  const end = range(outer * inner, tid, threads, false);
  for (let f = range(outer * inner, tid, threads, true); f < end; f += 4) {
    const n = min(4, end - f);
    const b = place(f, n, K, inner);
    const one = together(f, n, K, inner);
    const m = fibreMax(x, step, K, b, one);
    let s = f32x4.splat(0);
    for (let k = 0; k < K; k++) {
      s = f32x4.add(s, expV(f32x4.sub(gather(x + <usize>k * step, b, one), m)));
    }
    const lse = logSumExp(m, s);
    for (let k = 0; k < K; k++) {
      const at = <usize>k * step;
      scatter(y + at, f32x4.sub(gather(x + at, b, one), lse), b, one);
    }
  }
}

export function logSoftmaxBackward(
  tid: i32,
  threads: i32,
  outer: i32,
  K: i32,
  inner: i32,
  dx: usize,
  dy: usize,
  y: usize,
): void {
  const step = (<usize>inner) << 2;
  const end = range(outer * inner, tid, threads, false);
  for (let f = range(outer * inner, tid, threads, true); f < end; f += 4) {
    const n = min(4, end - f);
    const b = place(f, n, K, inner);
    const one = together(f, n, K, inner);
    let s = f32x4.splat(0);
    for (let k = 0; k < K; k++) s = f32x4.add(s, gather(dy + <usize>k * step, b, one));
    for (let k = 0; k < K; k++) {
      const at = <usize>k * step;
      const p = expV(gather(y + at, b, one));
      scatter(dx + at, f32x4.sub(gather(dy + at, b, one), f32x4.mul(p, s)), b, one);
    }
  }
}
