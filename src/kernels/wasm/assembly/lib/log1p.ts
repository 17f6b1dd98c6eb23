/**
 * log on f32x4: w = 2^e m with m in [sqrt(1/2), sqrt 2), log(w) = e ln 2 + log(m) by Cephes'
 * logf polynomial on f = m - 1 (about 1 ulp). log1p(u) for u in [0, 1] adds back what rounding
 * 1 + u to w lost: with c = u - (w - 1) (exact), log(w + c) = log(w) + c / w + O(c^2), and c is
 * below half an ulp of w, so 1/w by 2 - w (exact at w = 1, off by < 0.2 in [1, 2]) is enough:
 * log1p(u) = u where w rounds to 1, and about 1 ulp everywhere.
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

/** log1p(u) for u in [0, 1]. */
@inline
export function log1pV(u: v128): v128 {
  const w = f32x4.add(f32x4.splat(1), u);
  const lost = f32x4.sub(u, f32x4.sub(w, f32x4.splat(1)));
  return f32x4.add(logV(w), f32x4.mul(lost, f32x4.sub(f32x4.splat(2), w)));
}
