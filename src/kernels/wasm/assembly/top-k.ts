/**
 * The selection half of exact top-k search; the contract of src/kernels/reference/top-k.ts,
 * after the host has computed a block of scores with the GEMM (s = queries gallery^T):
 *
 *   scores:(rows,N) -> outScores:(rows,k) outIndices:(rows,k) i32
 *   each row: the k largest scores, best first, equal scores in ascending index order,
 *   NaN counted (and reported) as -Infinity
 *
 * One pass per row over its N scores with a binary min-heap of the k best so far, whose root is
 * the worst kept: a score enters only if it beats the root (scanning in index order, an equal
 * score never does, which is the tie rule). The heap is then sorted in place, best first.
 * Threaded over rows; each row is done by one thread, so results do not depend on the count.
 * Heap scratch: k * 8 bytes per thread (scores, then indices).
 */
import { shareStart } from './lib/geometry';

/** Whether entry (sa, ia) ranks below (sb, ib). */
@inline
function worse(sa: f32, ia: i32, sb: f32, ib: i32): bool {
  return sa < sb || (sa == sb && ia > ib);
}

/** Restores the heap property below position i of a heap of `size` entries. */
@inline
function siftDown(hs: usize, hi: usize, size: i32, i: i32): void {
  const s = load<f32>(hs + ((<usize>i) << 2));
  const id = load<i32>(hi + ((<usize>i) << 2));
  while (true) {
    let child = 2 * i + 1;
    if (child >= size) break;
    let cs = load<f32>(hs + ((<usize>child) << 2));
    let ci = load<i32>(hi + ((<usize>child) << 2));
    if (child + 1 < size) {
      const rs = load<f32>(hs + ((<usize>(child + 1)) << 2));
      const ri = load<i32>(hi + ((<usize>(child + 1)) << 2));
      if (worse(rs, ri, cs, ci)) {
        child++;
        cs = rs;
        ci = ri;
      }
    }
    if (!worse(cs, ci, s, id)) break;
    store<f32>(hs + ((<usize>i) << 2), cs);
    store<i32>(hi + ((<usize>i) << 2), ci);
    i = child;
  }
  store<f32>(hs + ((<usize>i) << 2), s);
  store<i32>(hi + ((<usize>i) << 2), id);
}

export function topKSelectPart(
  tid: i32,
  threads: i32,
  rows: i32,
  N: i32,
  k: i32,
  scores: usize,
  outScores: usize,
  outIndices: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const hs = scratch + <usize>(tid * scratchStride);
  const hi = hs + ((<usize>k) << 2);
  const end = shareStart(rows, tid + 1, threads);
  for (let r = shareStart(rows, tid, threads); r < end; r++) {
    const row = scores + ((<usize>r * <usize>N) << 2);
    // The first k entries, heapified.
    for (let n = 0; n < k; n++) {
      let s = load<f32>(row + ((<usize>n) << 2));
      if (s != s) s = -Infinity;
      store<f32>(hs + ((<usize>n) << 2), s);
      store<i32>(hi + ((<usize>n) << 2), n);
    }
    for (let i = k / 2 - 1; i >= 0; i--) siftDown(hs, hi, k, i);
    for (let n = k; n < N; n++) {
      const s = load<f32>(row + ((<usize>n) << 2));
      if (s > load<f32>(hs)) {
        store<f32>(hs, s);
        store<i32>(hi, n);
        siftDown(hs, hi, k, 0);
      }
    }
    // Heap sort: the worst goes to the end, best first after.
    const os = outScores + ((<usize>r * <usize>k) << 2);
    const oi = outIndices + ((<usize>r * <usize>k) << 2);
    for (let size = k; size > 0; size--) {
      store<f32>(os + ((<usize>(size - 1)) << 2), load<f32>(hs));
      store<i32>(oi + ((<usize>(size - 1)) << 2), load<i32>(hi));
      const last = size - 1;
      store<f32>(hs, load<f32>(hs + ((<usize>last) << 2)));
      store<i32>(hi, load<i32>(hi + ((<usize>last) << 2)));
      siftDown(hs, hi, last, 0);
    }
  }
}
