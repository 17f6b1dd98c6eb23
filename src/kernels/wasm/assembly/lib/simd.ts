/** SIMD helpers shared by the kernels. */

/** acc + a * b, fused (one rounding) where relaxed SIMD was enabled at compile time. */
@inline
export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** Even lanes of (a, b) and odd lanes of (a, b): the left and right columns of four 2x2 windows. */
@inline
export function evenLanes(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 0, 2, 4, 6);
}

@inline
export function oddLanes(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 1, 3, 5, 7);
}

/**
 * The first maximum of a and b, lane by lane (a on a tie, so -0 before 0 stays -0), NaN if either
 * is: f32x4.pmax (a < b ? b : a, one instruction on x64, where f32x4.max takes about eight for
 * its NaN and -0 rules) keeps a NaN a, and a NaN b is put back (all ones).
 */
@inline
export function firstMax(a: v128, b: v128): v128 {
  return v128.or(f32x4.pmax(a, b), f32x4.ne(b, b));
}

/**
 * max(v, 0) as the ReLU kernel's (NaN kept, -0 to 0) in two instructions where f32x4.max takes
 * about eight on x64: v <= 0 is false for NaN and true for -0.
 */
@inline
export function reluOf(v: v128): v128 {
  return v128.andnot(v, f32x4.le(v, f32x4.splat(0)));
}
