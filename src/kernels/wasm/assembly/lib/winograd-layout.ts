/** Sizes shared by the Winograd kernels (winograd.ts, winograd5.ts, winograd-weight-grad.ts). */

/** v rounded up to a multiple of k. */
@inline
export function roundUp(v: i32, k: i32): i32 {
  return ((v + k - 1) / k) * k;
}

/**
 * Bytes from one position ξ of V or M to the next: the position's floats and one cache line more.
 * The transforms touch all positions of a tile together; at a power-of-two distance (F(4,3)'s V
 * at 2 KB and M at 4 KB for a 14x14 layer) those lines fall into one or two of L1's 64 sets and
 * evict one another on every call.
 */
@inline
export function positionBytes(floats: i32): usize {
  return <usize>floats * 4 + 64;
}
