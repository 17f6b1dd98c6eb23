/** The Winograd forward kernels' spacing of transformed positions (winograd.ts, winograd5.ts). */

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
