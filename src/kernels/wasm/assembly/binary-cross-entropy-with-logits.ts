/**
 * Binary cross-entropy on logits, elementwise; the contract of
 * src/kernels/reference/binary-cross-entropy-with-logits.ts, threaded over contiguous ranges:
 *
 *   losses = (1 - t) x + (1 + (pw - 1) t) softplus(-x)
 *   dx     = dlosses ((1 - t) - (1 + (pw - 1) t) sigmoid(-x))
 *   dt     = dlosses (-x + (pw - 1) softplus(-x))
 *   softplus(-x) = max(-x, 0) + log1p(exp(-|x|))      (never overflows)
 *
 * pw is posWeight[i], or 1 when the pointer is 0; a 0 output pointer in the backward is skipped.
 * Each element is computed on its own in f64, as the reference does, so results do not depend
 * on the thread count.
 */
import { shareStart } from './lib/geometry';

@inline
function softplusOfNegative(x: f64): f64 {
  return max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

@inline
function positiveWeight(posWeight: usize, at: usize): f64 {
  return posWeight == 0 ? 1 : <f64>load<f32>(posWeight + at);
}

export function binaryCrossEntropyWithLogitsForward(
  tid: i32,
  threads: i32,
  losses: usize,
  x: usize,
  target: usize,
  posWeight: usize,
  count: i32,
): void {
  const end = shareStart(count, tid + 1, threads);
  for (let i = shareStart(count, tid, threads); i < end; i++) {
    const at = <usize>i * 4;
    const xi = <f64>load<f32>(x + at);
    const t = <f64>load<f32>(target + at);
    const pw = positiveWeight(posWeight, at);
    store<f32>(losses + at, <f32>((1 - t) * xi + (1 + (pw - 1) * t) * softplusOfNegative(xi)));
  }
}

export function binaryCrossEntropyWithLogitsBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dtarget: usize,
  dlosses: usize,
  x: usize,
  target: usize,
  posWeight: usize,
  count: i32,
): void {
  const end = shareStart(count, tid + 1, threads);
  for (let i = shareStart(count, tid, threads); i < end; i++) {
    const at = <usize>i * 4;
    const xi = <f64>load<f32>(x + at);
    const t = <f64>load<f32>(target + at);
    const pw = positiveWeight(posWeight, at);
    const dl = <f64>load<f32>(dlosses + at);
    if (dx != 0) {
      // sigmoid(-x) from e = exp(-|x|): e/(1 + e) for x >= 0, 1/(1 + e) below.
      const e = Math.exp(-Math.abs(xi));
      const s = xi >= 0 ? e / (1 + e) : 1 / (1 + e);
      store<f32>(dx + at, <f32>(dl * (1 - t - (1 + (pw - 1) * t) * s)));
    }
    if (dtarget != 0) {
      store<f32>(dtarget + at, <f32>(dl * (-xi + (pw - 1) * softplusOfNegative(xi))));
    }
  }
}
