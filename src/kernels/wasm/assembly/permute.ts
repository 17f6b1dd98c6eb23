/**
 * Axis permutation, threaded over output rows. Same contract as the reference
 * (src/kernels/reference/permute.ts):
 *
 *   y[i0, ..., i_{r-1}] = x[sum_k i_k * xStrides[k]]        dx: the same map, written back
 *
 * The record holds `rank` i32 output sizes then `rank` i32 x strides. An output row (the last
 * axis, L elements) reads x from base + j * s, s = xStrides[r-1]: a memory.copy when s = 1, a
 * gather (forward) or scatter (backward) otherwise. The base is found by decomposing the row
 * index once per row. The map is a bijection, so every element is written once, by one thread.
 */
import { shareStart } from './lib/geometry';

@inline
function field(record: usize, k: i32): i32 {
  return load<i32>(record + <usize>k * 4);
}

/** x's offset of the first element of output row `row` (index over all axes but the last). */
@inline
function rowBase(record: usize, rank: i32, row: i32): usize {
  let base: usize = 0;
  let rest = row;
  for (let k = rank - 2; k >= 0; k--) {
    const size = field(record, k);
    base += <usize>(rest % size) * <usize>field(record, rank + k);
    rest = rest / size;
  }
  return base;
}

function permuteRows(
  tid: i32,
  threads: i32,
  y: usize,
  x: usize,
  record: usize,
  rank: i32,
  backward: bool,
): void {
  const L = field(record, rank - 1);
  const s = <usize>field(record, 2 * rank - 1);
  let rows = 1;
  for (let k = 0; k < rank - 1; k++) rows *= field(record, k);
  if (L == 0) return;
  const start = shareStart(rows, tid, threads);
  const end = shareStart(rows, tid + 1, threads);
  const rowBytes = <usize>L * 4;
  for (let row = start; row < end; row++) {
    const dense = y + <usize>row * rowBytes;
    const strided = x + rowBase(record, rank, row) * 4;
    if (s == 1) {
      if (backward) memory.copy(strided, dense, rowBytes);
      else memory.copy(dense, strided, rowBytes);
    } else if (backward) {
      for (let j = 0; j < L; j++) {
        store<f32>(strided + <usize>j * s * 4, load<f32>(dense + <usize>j * 4));
      }
    } else {
      for (let j = 0; j < L; j++) {
        store<f32>(dense + <usize>j * 4, load<f32>(strided + <usize>j * s * 4));
      }
    }
  }
}

export function permuteForward(
  tid: i32,
  threads: i32,
  y: usize,
  x: usize,
  record: usize,
  rank: i32,
): void {
  permuteRows(tid, threads, y, x, record, rank, false);
}

/** dx at the strided places, dy dense: the forward's map with the copy reversed. */
export function permuteBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  record: usize,
  rank: i32,
): void {
  permuteRows(tid, threads, dy, dx, record, rank, true);
}
