/**
 * Smooth L1 loss, elementwise; the contract of src/kernels/reference/smooth-l1-loss.ts,
 * threaded over contiguous ranges, f32x4 over the bulk. With d = x - t and beta >= 0:
 *
 *   losses = |d| < beta ? 0.5 d^2 / beta : |d| - 0.5 beta
 *   dx     = dlosses (|d| < beta ? d / beta : sign(d))        dt = -dx
 *
 * beta (behind a pointer to an f64) = 0 is the L1 loss. A 0 output pointer in the backward is
 * skipped. Every element goes through the same f32x4 code and ranges start on multiples of 4
 * (lib/elementwise.ts), so results are bitwise the same for any thread count.
 */
import { loadN, range, storeDifferenceGradients, storeN } from './lib/elementwise';

export function smoothL1LossForward(
  tid: i32,
  threads: i32,
  losses: usize,
  x: usize,
  target: usize,
  count: i32,
  betaAt: usize,
): void {
  const beta = f32x4.splat(<f32>load<f64>(betaAt));
  const halfBeta = f32x4.mul(beta, f32x4.splat(0.5));
  const end = range(count, tid, threads, false);
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    const d = f32x4.sub(loadN(x + at, n), loadN(target + at, n));
    const a = f32x4.abs(d);
    const quadratic = f32x4.div(f32x4.mul(f32x4.mul(d, d), f32x4.splat(0.5)), beta);
    const linear = f32x4.sub(a, halfBeta);
    storeN(losses + at, v128.bitselect(quadratic, linear, f32x4.lt(a, beta)), n);
  }
}

export function smoothL1LossBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dtarget: usize,
  dlosses: usize,
  x: usize,
  target: usize,
  count: i32,
  betaAt: usize,
): void {
  const beta = f32x4.splat(<f32>load<f64>(betaAt));
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const end = range(count, tid, threads, false);
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    const d = f32x4.sub(loadN(x + at, n), loadN(target + at, n));
    // sign(d): 1 above 0, -1 below, 0 at 0 (the AND keeps 1.0's bits only where d > 0).
    const sign = f32x4.sub(v128.and(one, f32x4.gt(d, zero)), v128.and(one, f32x4.lt(d, zero)));
    const inside = v128.bitselect(f32x4.div(d, beta), sign, f32x4.lt(f32x4.abs(d), beta));
    // A NaN difference passes through as the reference's Math.sign(NaN) does.
    const slope = v128.bitselect(d, inside, f32x4.ne(d, d));
    const g = f32x4.mul(loadN(dlosses + at, n), slope);
    storeDifferenceGradients(dx, dtarget, at, g, n);
  }
}
