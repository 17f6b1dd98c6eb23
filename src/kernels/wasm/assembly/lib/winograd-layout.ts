/**
 * The Winograd forward kernels' tile codes and spacing of transformed positions (winograd.ts,
 * winograd5.ts). A tile code m is F(m x m, 3 x 3) for m = 2, 4, 5, and 57 is F(5 x 7, 3 x 3):
 * tiles 5 rows high (F(5,3) down the columns) and 7 columns wide (F(7,3) along the rows).
 */

/** Output rows of a tile of code m. */
@inline
export function tileHeight(m: i32): i32 {
  return m == 57 ? 5 : m;
}

/** Output columns of a tile of code m. */
@inline
export function tileWidth(m: i32): i32 {
  return m == 57 ? 7 : m;
}

/** Transformed positions of a tile of code m: (height + 2) x (width + 2). */
@inline
export function tilePositions(m: i32): i32 {
  return (tileHeight(m) + 2) * (tileWidth(m) + 2);
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

/**
 * Whether each panel of U, the transformed filters (in lib/panels.ts's panels of 5 and 4 filters
 * for every tile), holds its positions one after another (the kernels with lanes across images,
 * winograd5.ts, whose GEMMs run a panel's positions in turn), or each position holds its panels
 * one after another (winograd.ts, whose GEMMs run a position's panels in turn).
 */
@inline
export function panelMajor(m: i32): bool {
  return m == 5 || m == 57;
}

/**
 * Where U (winogradFilters' output: C channels of `rows` filters in lib/panels.ts's panels, zero
 * past F) holds position 0 of the panel whose first filter is f0; its position ξ is ξ times
 * uPositionStride further on.
 */
@inline
export function uPanel(u: usize, m: i32, C: i32, f0: i32): usize {
  return u + <usize>(f0 * C * (panelMajor(m) ? tilePositions(m) : 1)) * 4;
}

/** Bytes from a panel of h filters' position ξ in U to its ξ + 1 (see uPanel). */
@inline
export function uPositionStride(m: i32, rows: i32, C: i32, h: i32): usize {
  return <usize>((panelMajor(m) ? h : rows) * C) * 4;
}
