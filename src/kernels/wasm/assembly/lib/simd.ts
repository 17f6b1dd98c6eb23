/** SIMD helpers shared by the kernels. */

/** acc + a * b, fused (one rounding) where relaxed SIMD was enabled at compile time. */
@inline
export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}
