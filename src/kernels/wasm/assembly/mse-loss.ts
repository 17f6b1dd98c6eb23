/**
 * Squared error, elementwise; the contract of src/kernels/reference/mse-loss.ts, threaded over
 * contiguous ranges, f32x4 over the bulk:
 *
 *   losses = (x - t)^2        dx = dlosses * 2 (x - t)        dt = -dx
 *
 * A 0 output pointer in the backward is skipped. Every element goes through the same f32x4 code
 * and ranges start on multiples of 4 (lib/elementwise.ts), so results are bitwise the same for
 * any thread count.
 */
import { loadN, range, storeDifferenceGradients, storeN } from './lib/elementwise';

export function mseLossForward(
  tid: i32,
  threads: i32,
  losses: usize,
  x: usize,
  target: usize,
  count: i32,
): void {
  const end = range(count, tid, threads, false);
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    const d = f32x4.sub(loadN(x + at, n), loadN(target + at, n));
    storeN(losses + at, f32x4.mul(d, d), n);
  }
}

export function mseLossBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dtarget: usize,
  dlosses: usize,
  x: usize,
  target: usize,
  count: i32,
): void {
  const end = range(count, tid, threads, false);
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    const d = f32x4.sub(loadN(x + at, n), loadN(target + at, n));
    const g = f32x4.mul(f32x4.mul(loadN(dlosses + at, n), f32x4.splat(2)), d);
    storeDifferenceGradients(dx, dtarget, at, g, n);
  }
}
