/**
 * Concatenation along one axis, threaded over blocks. Same contract as the reference
 * (src/kernels/reference/concat.ts):
 *
 *   xs[t]:(outer, sizes[t], inner) -> y:(outer, total, inner)
 *   y[o, starts[t] + k, i] = xs[t][o, k, i]        dxs[t][o, k, i] = dy[o, starts[t] + k, i]
 *
 * `pointers`, `sizes` and `starts` are i32 tables of `count` entries (starts[t] = sizes[0] + ...
 * + sizes[t-1]). A block is one (o, t): sizes[t] * inner contiguous floats on both sides, moved
 * by one memory.copy; the outer * count blocks are split into contiguous runs, one per thread.
 * A null pointer (0) in the backward's `pointers` is an input without a gradient: skipped.
 */
import { shareStart } from './lib/geometry';

@inline
function entry(table: usize, t: i32): i32 {
  return load<i32>(table + <usize>t * 4);
}

/** Copies every block of this thread's share; `toY` picks the direction. */
@inline
function copyBlocks(
  tid: i32,
  threads: i32,
  y: usize,
  pointers: usize,
  sizes: usize,
  starts: usize,
  count: i32,
  outer: i32,
  inner: i32,
  total: i32,
  toY: bool,
): void {
  const b1 = shareStart(outer * count, tid + 1, threads);
  for (let b = shareStart(outer * count, tid, threads); b < b1; b++) {
    const o = b / count;
    const t = b - o * count;
    const x = <usize>entry(pointers, t);
    if (x == 0) continue;
    const block = entry(sizes, t) * inner;
    const inY = y + <usize>((o * total + entry(starts, t)) * inner) * 4;
    const inX = x + <usize>(o * block) * 4;
    if (toY) memory.copy(inY, inX, <usize>block * 4);
    else memory.copy(inX, inY, <usize>block * 4);
  }
}

export function concatForward(
  tid: i32,
  threads: i32,
  y: usize,
  xs: usize,
  sizes: usize,
  starts: usize,
  count: i32,
  outer: i32,
  inner: i32,
  total: i32,
): void {
  copyBlocks(tid, threads, y, xs, sizes, starts, count, outer, inner, total, true);
}

export function concatBackward(
  tid: i32,
  threads: i32,
  dxs: usize,
  dy: usize,
  sizes: usize,
  starts: usize,
  count: i32,
  outer: i32,
  inner: i32,
  total: i32,
): void {
  copyBlocks(tid, threads, dy, dxs, sizes, starts, count, outer, inner, total, false);
}
