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
  const start = shareStart(outer, tid, threads);
  const end = shareStart(outer, tid + 1, threads);
  const rowBytes = <usize>total * <usize>inner * 4;
  for (let o = start; o < end; o++) {
    let out = y + <usize>o * rowBytes;
    for (let t = 0; t < parts; t++) {
      const block = <usize>partSize(record, t) * <usize>inner * 4;
      memory.copy(out, partPointer(record, t) + <usize>o * block, block);
      out += block;
    }
  }
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
  const start = shareStart(outer, tid, threads);
  const end = shareStart(outer, tid + 1, threads);
  const rowBytes = <usize>total * <usize>inner * 4;
  for (let o = start; o < end; o++) {
    let from = dy + <usize>o * rowBytes;
    for (let t = 0; t < parts; t++) {
      const block = <usize>partSize(record, t) * <usize>inner * 4;
      const dx = partPointer(record, t);
      if (dx != 0) memory.copy(dx + <usize>o * block, from, block);
      from += block;
    }
  }
}
