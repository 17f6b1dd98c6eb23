/**
 * The index of the largest value along one axis; the contract of src/kernels/reference/argmax.ts.
 * x is (outer, K, inner): four neighbouring fibres (i .. i+3 of one o) are walked together, one
 * per SIMD lane, each keeping its best value and index; `>` is false for NaN, so a NaN counts as
 * -Infinity, and ties keep the first index. Threads split the groups of four fibres.
 */
import { shareStart } from './lib/geometry';

export function argmaxForward(
  tid: i32,
  threads: i32,
  indices: usize,
  x: usize,
  outer: i32,
  K: i32,
  inner: i32,
): void {
  const groupsPerOuter = (inner + 3) >> 2;
  const groups = outer * groupsPerOuter;
  const step = <usize>inner * 4;
  const end = shareStart(groups, tid + 1, threads);
  for (let group = shareStart(groups, tid, threads); group < end; group++) {
    const o = group / groupsPerOuter;
    const i = (group - o * groupsPerOuter) << 2;
    const from = x + (<usize>o * <usize>K * <usize>inner + <usize>i) * 4;
    const to = indices + (<usize>o * <usize>inner + <usize>i) * 4;
    if (i + 4 <= inner) {
      let best = f32x4.splat(-Infinity);
      let at = i32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const value = v128.load(from + <usize>k * step);
        const wins = f32x4.gt(value, best);
        best = v128.bitselect(value, best, wins);
        at = v128.bitselect(i32x4.splat(k), at, wins);
      }
      v128.store(to, at);
      continue;
    }
    for (let lane = 0; lane < inner - i; lane++) {
      let best: f32 = -Infinity;
      let at = 0;
      for (let k = 0; k < K; k++) {
        const value = load<f32>(from + <usize>(k * inner + lane) * 4);
        if (value > best) {
          best = value;
          at = k;
        }
      }
      store<i32>(to + <usize>lane * 4, at);
    }
  }
}
