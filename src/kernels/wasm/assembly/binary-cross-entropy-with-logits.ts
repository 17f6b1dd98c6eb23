/**
 * Binary cross-entropy on logits, elementwise; the contract of
 * src/kernels/reference/binary-cross-entropy-with-logits.ts, threaded over contiguous ranges,
 * f32x4 over the bulk:
 *
 *   losses = (1 - t) x + (1 + (pw - 1) t) softplus(-x)
 *   dx     = dlosses ((1 - t) - (1 + (pw - 1) t) sigmoid(-x))
 *   dt     = dlosses (-x + (pw - 1) softplus(-x))
 *   softplus(-x) = max(-x, 0) + log1p(exp(-|x|))      (never overflows)
 *
 * exp, log1p and sigmoid in f32 (lib/elementwise.ts, lib/log1p.ts). pw is posWeight[i], or 1
 * when its pointer is 0; a 0 output pointer in the backward is skipped. Every element goes
 * through the same f32x4 code and ranges start on multiples of 4, so results are bitwise the
 * same for any thread count.
 */
import { expV, loadN, range, sigmoidV, storeN } from './lib/elementwise';
import { log1pV } from './lib/log1p';
import { reluOf } from './lib/simd';

/** log1p(exp(-|x|)), the part of softplus(-x) beside max(-x, 0). */
@inline
function softplusTail(x: v128): v128 {
  return log1pV(expV(f32x4.neg(f32x4.abs(x))));
}

@inline
function softplusOfNegative(x: v128): v128 {
  return f32x4.add(reluOf(f32x4.neg(x)), softplusTail(x));
}

/** 1 + (pw - 1) t, and pw - 1 (pw = 1 where there is no posWeight). */
@inline
function weightMinusOne(posWeight: usize, at: usize, n: i32): v128 {
  if (posWeight == 0) return f32x4.splat(0);
  return f32x4.sub(loadN(posWeight + at, n), f32x4.splat(1));
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
  const one = f32x4.splat(1);
  const end = range(count, tid, threads, false);
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    const xv = loadN(x + at, n);
    const t = loadN(target + at, n);
    const scale = f32x4.add(one, f32x4.mul(weightMinusOne(posWeight, at, n), t));
    // (1 - t) x + scale max(-x, 0) first: exact cancellation where t = 0 and x < 0, so a
    // confident negative keeps the relative precision of its small loss.
    const linear = f32x4.add(
      f32x4.mul(f32x4.sub(one, t), xv),
      f32x4.mul(scale, reluOf(f32x4.neg(xv))),
    );
    const loss = f32x4.add(linear, f32x4.mul(scale, softplusTail(xv)));
    storeN(losses + at, loss, n);
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
  const one = f32x4.splat(1);
  const end = range(count, tid, threads, false);
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    const xv = loadN(x + at, n);
    const t = loadN(target + at, n);
    const dl = loadN(dlosses + at, n);
    const pwm1 = weightMinusOne(posWeight, at, n);
    if (dx != 0) {
      const scale = f32x4.add(one, f32x4.mul(pwm1, t));
      const slope = f32x4.sub(f32x4.sub(one, t), f32x4.mul(scale, sigmoidV(f32x4.neg(xv))));
      storeN(dx + at, f32x4.mul(dl, slope), n);
    }
    if (dtarget != 0) {
      const slope = f32x4.add(f32x4.neg(xv), f32x4.mul(pwm1, softplusOfNegative(xv)));
      storeN(dtarget + at, f32x4.mul(dl, slope), n);
    }
  }
}
