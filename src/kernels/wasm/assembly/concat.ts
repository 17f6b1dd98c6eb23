/**
 * Concatenation along one axis, threaded over the outer index. Same contract as the reference
 * (src/kernels/reference/concat.ts):
 *
 *   xs[t]:(outer, sizes[t], inner) -> y:(outer, total, inner)
 *   y[o, start_t + k, i] = xs[t][o, k, i]        dxs[t][o, k, i] = dy[o, start_t + k, i]
 *
 * The parts arrive as a record of `parts` pairs of i32 (pointer, size) in the kernels' memory;
 * a part's pointer is 0 for a gradient nobody wants. Each (o, t) is one contiguous run of
 * sizes[t] * inner floats, moved with memory.copy; every output run is written by one thread.
 */
import { shareStart } from './lib/geometry';

@inline
function partPointer(record: usize, t: i32): usize {
  return <usize>load<i32>(record + <usize>t * 8);
}

@inline
function partSize(record: usize, t: i32): i32 {
  return load<i32>(record + <usize>t * 8, 4);
}

/**
 * Moves each of this thread's rows o between the whole (y or dy, rows of total * inner floats)
 * and the parts: into the whole when `gather`, else out of it into each non-null part.
 */
@inline
function copyRuns(
  tid: i32,
  threads: i32,
  whole: usize,
  record: usize,
  parts: i32,
  outer: i32,
  inner: i32,
  total: i32,
  gather: bool,
): void {
  const start = shareStart(outer, tid, threads);
  const end = shareStart(outer, tid + 1, threads);
  const rowBytes = <usize>total * <usize>inner * 4;
  for (let o = start; o < end; o++) {
    let run = whole + <usize>o * rowBytes;
    for (let t = 0; t < parts; t++) {
      const block = <usize>partSize(record, t) * <usize>inner * 4;
      const part = partPointer(record, t);
      if (gather) memory.copy(run, part + <usize>o * block, block);
      else if (part != 0) memory.copy(part + <usize>o * block, run, block);
      run += block;
    }
  }
}

export function concatForward(
  tid: i32,
  threads: i32,
  y: usize,
  record: usize,
  parts: i32,
  outer: i32,
  inner: i32,
  total: i32,
): void {
  copyRuns(tid, threads, y, record, parts, outer, inner, total, true);
}

export function concatBackward(
  tid: i32,
  threads: i32,
  dy: usize,
  record: usize,
  parts: i32,
  outer: i32,
  inner: i32,
  total: i32,
): void {
  copyRuns(tid, threads, dy, record, parts, outer, inner, total, false);
}
