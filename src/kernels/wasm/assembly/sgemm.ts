/**
 * Single-precision GEMM, packed and cache-blocked, with a register-blocked f32x4 micro-kernel.
 *
 *   C[M,N] = (accumulate ? C : 0) + op(A)[M,K] * op(B)[K,N]
 *   op(A)[i,k] = transA ? A[k*lda + i] : A[i*lda + k]
 *   op(B)[k,j] = transB ? B[j*ldb + k] : B[k*ldb + j]
 *
 * The loops follow the BLIS/GotoBLAS structure: a KC x NC block of op(B) is packed into
 * NR-wide column panels (kept in L2), an MC x KC block of op(A) into MR-tall row panels (L1/L2),
 * and the micro-kernel multiplies one MR x KC panel by one KC x NR panel into an MR x NR tile
 * held in 8 SIMD registers. Packing pads the edges with zeros, so edge tiles run the same
 * micro-kernel (into a scratch tile) and every element of C sees the same sequence of
 * operations whatever the tiling or thread split: results are bitwise reproducible.
 *
 * With relaxed SIMD enabled at compile time, the multiply-add is a fused f32x4.relaxed_madd.
 */
import { claim } from './lib/claim';
import { shareStart } from './lib/geometry';
import { multiplyPacked, packA, packB } from './lib/gemm-packing';
import { MR, MR5, NR } from './lib/micro-kernel';
import { fivePanels, panelledRows } from './lib/panels';

export { MR, NR };
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 2048;

/** Bytes of scratch one thread needs for packing: an MC x KC block of A and a KC x NC block of B, plus one tile. */
export function sgemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

/**
 * C[M,N] (+)= op(A) * op(B), single-threaded. `scratch` must hold sgemmScratchBytes() bytes,
 * 16-byte aligned.
 */
export function sgemm(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  lda: i32,
  transA: bool,
  b: usize,
  ldb: i32,
  transB: bool,
  c: usize,
  ldc: i32,
  accumulate: bool,
  scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  const packedA = scratch;
  const packedB = scratch + <usize>(MC * KC) * 4;
  const tile = packedB + <usize>(KC * NC) * 4;
  if (K <= 0) {
    if (!accumulate) {
      for (let i = 0; i < M; i++) memory.fill(c + <usize>(i * ldc) * 4, 0, <usize>N * 4);
    }
    return;
  }
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      const acc = accumulate || k0 > 0;
      packB(packedB, b, ldb, transB, k0, kc, j0, nc, N);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        packA(packedA, a, lda, transA, i0, mc, k0, kc, M, 0);
        multiplyPacked(packedA, packedB, tile, i0, mc, j0, nc, kc, M, N, c, ldc, acc, 0);
      }
    }
  }
}

/**
 * Thread `tid` of `threads` computes its share of C: whole MR x NR tiles, split along the
 * dimension with more tiles. Each element is computed by exactly one thread, in the same
 * order as with one thread. Thread t packs into scratch + t*scratchStride.
 */
export function sgemmPart(
  tid: i32,
  threads: i32,
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  lda: i32,
  transA: bool,
  b: usize,
  ldb: i32,
  transB: bool,
  c: usize,
  ldc: i32,
  accumulate: bool,
  scratch: usize,
  scratchStride: i32,
): void {
  const ownScratch = scratch + <usize>(tid * scratchStride);
  const rowTiles = (M + MR - 1) / MR;
  const colTiles = (N + NR - 1) / NR;
  if (colTiles >= rowTiles) {
    const t0 = (colTiles * tid) / threads;
    const t1 = (colTiles * (tid + 1)) / threads;
    const j0 = t0 * NR;
    const j1 = min(N, t1 * NR);
    if (j1 <= j0) return;
    const bPart = transB ? b + <usize>(j0 * ldb) * 4 : b + <usize>j0 * 4;
    sgemm(
      M,
      j1 - j0,
      K,
      a,
      lda,
      transA,
      bPart,
      ldb,
      transB,
      c + <usize>j0 * 4,
      ldc,
      accumulate,
      ownScratch,
    );
  } else {
    const t0 = (rowTiles * tid) / threads;
    const t1 = (rowTiles * (tid + 1)) / threads;
    const i0 = t0 * MR;
    const i1 = min(M, t1 * MR);
    if (i1 <= i0) return;
    const aPart = transA ? a + <usize>i0 * 4 : a + <usize>(i0 * lda) * 4;
    sgemm(
      i1 - i0,
      N,
      K,
      aPart,
      lda,
      transA,
      b,
      ldb,
      transB,
      c + <usize>(i0 * ldc) * 4,
      ldc,
      accumulate,
      ownScratch,
    );
  }
}

/** Columns of C per work item of sgemmClaimed: two NR-wide panels. */
export const CLAIMED_COLUMNS: i32 = 2 * NR;

/**
 * Whether sgemmClaimed claims columns: at most MC rows (op(A) packed whole by each thread), with
 * at least as many column tiles as row tiles (where sgemmPart would split the columns too), and
 * K > 0 (sgemm zero-fills C for K = 0).
 */
@inline
function claimsColumns(M: i32, N: i32, K: i32): bool {
  return K > 0 && M <= MC && (N + NR - 1) / NR >= (M + MR - 1) / MR;
}

/** Bytes of scratch one thread needs for sgemmClaimed: op(A) whole, a block of op(B), a tile. */
export function sgemmClaimedScratchBytes(M: i32, N: i32, K: i32): i32 {
  if (!claimsColumns(M, N, K)) return sgemmScratchBytes();
  return (panelledRows(M) * K + KC * CLAIMED_COLUMNS + MR5 * NR) * 4;
}

/**
 * Floats of op(B) packed whole for sgemmClaimed (packClaimedB), or 0 where sgemmClaimed would
 * not claim columns (and so packs its own blocks).
 */
export function claimedPanelsFloats(M: i32, N: i32, K: i32): i32 {
  if (!claimsColumns(M, N, K)) return 0;
  return ((N + CLAIMED_COLUMNS - 1) / CLAIMED_COLUMNS) * CLAIMED_COLUMNS * K;
}

/** Where item `item`'s KC block from k0 starts in op(B) packed whole (packClaimedB). */
@inline
export function claimedBlock(panels: usize, item: i32, k0: i32, K: i32): usize {
  return panels + <usize>(item * CLAIMED_COLUMNS * K + k0 * CLAIMED_COLUMNS) * 4;
}

/**
 * Packs all of op(B) as sgemmClaimed packs it, item by item (CLAIMED_COLUMNS columns) and KC
 * block by block (claimedBlock). Thread `tid` of `threads` packs its share of the items.
 */
export function packClaimedB(
  tid: i32,
  threads: i32,
  N: i32,
  K: i32,
  b: usize,
  ldb: i32,
  transB: bool,
  dst: usize,
): void {
  const items = (N + CLAIMED_COLUMNS - 1) / CLAIMED_COLUMNS;
  const end = shareStart(items, tid + 1, threads);
  for (let item = shareStart(items, tid, threads); item < end; item++) {
    const j0 = item * CLAIMED_COLUMNS;
    const nc = min(CLAIMED_COLUMNS, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      packB(claimedBlock(dst, item, k0, K), b, ldb, transB, k0, min(KC, K - k0), j0, nc, N);
    }
  }
}

/**
 * C[M,N] (+)= op(A) * op(B), its columns in items of CLAIMED_COLUMNS claimed one at a time from
 * `next` (lib/claim.ts), so that a faster core does more of them: a thread packs all of op(A)
 * once, at its first item, in panels of 5 and 4 rows for the 5 x 8 micro-kernel (lib/panels.ts;
 * 64 rows are 12 and 1), then per item a KC-deep block of op(B) at a time, or reads it from
 * `panels` (packClaimedB's, 0: none) where op(B) was packed before: a layer's weights, kept
 * between inference calls. Every element of C is the same KC blocks in the same order as in
 * sgemm: the same bits as sgemmPart's, which runs it where claimsColumns does not hold.
 */
export function sgemmClaimed(
  tid: i32,
  threads: i32,
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  lda: i32,
  transA: bool,
  b: usize,
  ldb: i32,
  transB: bool,
  c: usize,
  ldc: i32,
  accumulate: bool,
  panels: usize,
  next: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  if (!claimsColumns(M, N, K)) {
    sgemmPart(
      tid,
      threads,
      M,
      N,
      K,
      a,
      lda,
      transA,
      b,
      ldb,
      transB,
      c,
      ldc,
      accumulate,
      scratch,
      scratchStride,
    );
    return;
  }
  // op(A) whole, in K/KC blocks of rows x KC: panels of 5 and 4 rows (lib/panels.ts).
  const packedA = scratch + <usize>(tid * scratchStride);
  const rows = panelledRows(M);
  const fives = fivePanels(M);
  const packedB = packedA + <usize>(rows * K) * 4;
  const tile = packedB + <usize>(KC * CLAIMED_COLUMNS) * 4;
  const items = (N + CLAIMED_COLUMNS - 1) / CLAIMED_COLUMNS;
  let packed = false;
  for (
    let item = claim(next, tid, threads, items);
    item < items;
    item = claim(next, tid, threads, items)
  ) {
    if (!packed) {
      for (let k0 = 0; k0 < K; k0 += KC) {
        const block = packedA + <usize>(rows * k0) * 4;
        packA(block, a, lda, transA, 0, M, k0, min(KC, K - k0), M, fives);
      }
      packed = true;
    }
    const j0 = item * CLAIMED_COLUMNS;
    const nc = min(CLAIMED_COLUMNS, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      let blockB = packedB;
      if (panels != 0) blockB = claimedBlock(panels, item, k0, K);
      else packB(packedB, b, ldb, transB, k0, kc, j0, nc, N);
      const blockA = packedA + <usize>(rows * k0) * 4;
      const acc = accumulate || k0 > 0;
      multiplyPacked(blockA, blockB, tile, 0, M, j0, nc, kc, M, N, c, ldc, acc, fives);
    }
  }
}
