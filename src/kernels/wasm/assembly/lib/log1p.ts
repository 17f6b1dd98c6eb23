/**
 * log1p(u) on f32x4, for finite u > -1: w = 1 + u split as w = 2^e m with m in [sqrt(1/2),
 * sqrt 2), log(w) = e ln 2 + log(m) by Cephes' logf polynomial on f = m - 1 (about 1 ulp), and
 * Goldberg's correction log1p(u) = log(w) * u / (w - 1), which restores the bits of u that
 * 1 + u rounded away (u itself where w rounds to 1).
 */

/** log(w) for finite w > 0 (Cephes' logf). */
@inline
export function logV(w: v128): v128 {
  const bits = i32x4.shr_s(w, 23);
  let e = f32x4.convert_i32x4_s(i32x4.sub(bits, i32x4.splat(126)));
  // The mantissa in [0.5, 1).
  const m = v128.or(v128.and(w, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000));
  const low = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  const f = f32x4.sub(v128.bitselect(f32x4.add(m, m), m, low), f32x4.splat(1));
  e = f32x4.sub(e, v128.and(f32x4.splat(1), low));
  const z = f32x4.mul(f, f);
  let p = f32x4.splat(7.0376836292e-2);
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.151461031e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.167699874e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.2420140846e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.4249322787e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.6668057665e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(2.0000714765e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-2.4999993993e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(f, z), p);
  y = f32x4.add(y, f32x4.mul(e, f32x4.splat(-2.1219444e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(f, y), f32x4.mul(e, f32x4.splat(0.693359375)));
}

@inline
export function log1pV(u: v128): v128 {
  const w = f32x4.add(f32x4.splat(1), u);
  const wm1 = f32x4.sub(w, f32x4.splat(1));
  const corrected = f32x4.div(f32x4.mul(logV(w), u), wm1);
  return v128.bitselect(u, corrected, f32x4.eq(wm1, f32x4.splat(0)));
}
