/**
 * Concatenation along one axis, threaded. Same contract as the reference
 * (src/kernels/reference/concat.ts):
 *
 *   xs[t]:(outer, sizes[t], inner) -> y:(outer, total, inner)
 *   y[o, start_t + k, i] = xs[t][o, k, i]        dxs[t][o, k, i] = dy[o, start_t + k, i]
 *
 * `record` holds [parts, outer, inner, total, sizes[0 .. parts-1]] as i32 and `pointers` the
 * parts' addresses (0 for a gradient that is not wanted). y (or dy) is cut into equal ranges of
 * elements, one per thread, and each thread copies the pieces of the blocks (o, t) that fall in
 * its range: a pure copy, the same bits whatever the split.
 */

@inline
function field(record: usize, k: i32): i32 {
  return load<i32>(record + <usize>k * 4);
}

/** Copies this thread's share; toWhole: parts -> whole (forward), else whole -> parts. */
@inline
function copyShare(
  tid: i32,
  threads: i32,
  record: usize,
  whole: usize,
  pointers: usize,
  toWhole: bool,
): void {
  const parts = field(record, 0);
  const outer = field(record, 1);
  const inner = field(record, 2);
  const total = field(record, 3);
  const count = <i64>outer * total * inner;
  const e0 = <i64>((count * tid) / threads);
  const e1 = <i64>((count * (tid + 1)) / threads);
  if (e1 <= e0) return;
  for (let o = 0; o < outer; o++) {
    let start = <i64>o * total * inner; // first element of block (o, t) in the whole
    if (start >= e1) return;
    for (let t = 0; t < parts; t++) {
      const block = <i64>field(record, 4 + t) * inner;
      const from = max(start, e0);
      const to = min(start + block, e1);
      const part = load<i32>(pointers + <usize>t * 4);
      if (to > from && part != 0) {
        const inWhole = whole + <usize>from * 4;
        const inPart = <usize>part + <usize>(<i64>o * block + from - start) * 4;
        const bytes = <usize>(to - from) * 4;
        if (toWhole) memory.copy(inWhole, inPart, bytes);
        else memory.copy(inPart, inWhole, bytes);
      }
      start += block;
    }
  }
}

export function concatForward(tid: i32, threads: i32, record: usize, y: usize, xs: usize): void {
  copyShare(tid, threads, record, y, xs, true);
}

export function concatBackward(tid: i32, threads: i32, record: usize, dxs: usize, dy: usize): void {
  copyShare(tid, threads, record, dy, dxs, false);
}
