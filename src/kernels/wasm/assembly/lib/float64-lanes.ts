/**
 * Float32 arrays computed on in f64x2, two elements at a time, for kernels that must give
 * bitwise what a float64 reference loop over float32 arrays gives (the optimizer updates):
 * load2 widens what a reference reads, store2 rounds what it stores, round32 is the value a
 * store and a later read give. n is 2, or 1 for a last odd element (lane 1 then holds 0).
 */

/** The n (1 or 2) floats at p, widened to an f64x2 (lane 1 is 0 when n = 1). */
@inline
export function load2(p: usize, n: i32): v128 {
  return f64x2.promote_low_f32x4(n == 2 ? v128.load64_zero(p) : v128.load32_zero(p));
}

/** Rounds both lanes to float32 and stores the first n (1 or 2) at p. */
@inline
export function store2(p: usize, x: v128, n: i32): void {
  const f = f32x4.demote_f64x2_zero(x);
  if (n == 2) v128.store64_lane(p, f, 0);
  else v128.store32_lane(p, f, 0);
}

/** x rounded to float32 and widened back: the value a store and a load would give. */
@inline
export function round32(x: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x));
}
