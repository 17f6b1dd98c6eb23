/**
 * The row panels of a GEMM's A operand for the 5 x 8 and 4 x 8 micro-kernels (micro-kernel.ts):
 * `rows` rows as `fives` panels of 5 and then panels of 4, rows = 5*fives + 4*fours with fours as
 * small as that allows (fours = 4*rows mod 5), so that no row is padding; where 4*fours > rows
 * (rows 1, 2, 3, 6, 7 or 11), panels of 4 only, the last padded with zero rows. Packed, a panel
 * is its height floats per k.
 */

/** Panels of 4 rows that `rows` rows end with, where the panels of 5 take the rest. */
@inline
function fours(rows: i32): i32 {
  return (4 * rows) % 5;
}

/** Panels of 5 rows. */
@inline
export function fivePanels(rows: i32): i32 {
  const f = fours(rows);
  return 4 * f > rows ? 0 : (rows - 4 * f) / 5;
}

/**
 * Panels in all: `fives` of 5 rows (fivePanels(rows), or 0 for panels of 4 only, as the SGEMM's
 * MR panels are), then panels of 4 for the rest.
 */
@inline
export function panelCount(rows: i32, fives: i32): i32 {
  return fives + (rows - 5 * fives + 3) / 4;
}

/** Rows packed: `rows`, or rows rounded up to 4 where panels of 4 alone cover them. */
@inline
export function panelledRows(rows: i32): i32 {
  return 4 * fours(rows) > rows ? (rows + 3) & ~3 : rows;
}

/** The first row of panel i, `fives` of them of 5 rows. */
@inline
export function panelStart(i: i32, fives: i32): i32 {
  return i <= fives ? 5 * i : 5 * fives + 4 * (i - fives);
}

/** The rows of panel i (5 or 4). */
@inline
export function panelHeight(i: i32, fives: i32): i32 {
  return i < fives ? 5 : 4;
}
