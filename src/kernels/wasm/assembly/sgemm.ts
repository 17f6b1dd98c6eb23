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
import { microKernel, MR, NR } from './lib/micro-kernel';

export { MR, NR };
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 2048;

/** Bytes of scratch one thread needs for packing: an MC x KC block of A and a KC x NC block of B, plus one tile. */
export function sgemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

/** Packs op(A)[i0..i0+mc, k0..k0+kc] into MR-row panels: dst[(p*kc + k)*MR + r]. */
function packA(
  dst: usize,
  a: usize,
  lda: i32,
  transA: bool,
  i0: i32,
  mc: i32,
  k0: i32,
  kc: i32,
  M: i32,
): void {
  for (let p = 0; p < mc; p += MR) {
    const panel = dst + <usize>(p * kc) * 4; // panel p/MR starts at (p/MR)*kc*MR floats
    if (!transA && i0 + p + MR <= M) {
      // Four full rows, each contiguous in k: transpose 4x4 blocks into the k-major panel.
      const row = a + <usize>((i0 + p) * lda + k0) * 4;
      const stride = <usize>lda * 4;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        transpose4x4(panel + <usize>(k * MR) * 4, row + <usize>k * 4, stride, 16);
      }
      for (; k < kc; k++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(
            panel + <usize>(k * MR + r) * 4,
            load<f32>(row + <usize>r * stride + <usize>k * 4),
          );
        }
      }
      continue;
    }
    for (let r = 0; r < MR; r++) {
      const i = i0 + p + r;
      if (i < M) {
        if (transA) {
          let src = a + <usize>(k0 * lda + i) * 4;
          for (let k = 0; k < kc; k++) {
            store<f32>(panel + <usize>(k * MR + r) * 4, load<f32>(src));
            src += <usize>lda * 4;
          }
        } else {
          const src = a + <usize>(i * lda + k0) * 4;
          for (let k = 0; k < kc; k++) {
            store<f32>(panel + <usize>(k * MR + r) * 4, load<f32>(src + <usize>k * 4));
          }
        }
      } else {
        for (let k = 0; k < kc; k++) store<f32>(panel + <usize>(k * MR + r) * 4, 0);
      }
    }
  }
}

/** Packs op(B)[k0..k0+kc, j0..j0+nc] into NR-column panels: dst[(q*kc + k)*NR + c]. */
function packB(
  dst: usize,
  b: usize,
  ldb: i32,
  transB: bool,
  k0: i32,
  kc: i32,
  j0: i32,
  nc: i32,
  N: i32,
): void {
  for (let q = 0; q < nc; q += NR) {
    const panel = dst + <usize>(q * kc) * 4;
    const j = j0 + q;
    const width = min(NR, N - j);
    if (!transB && width == NR) {
      let src = b + <usize>(k0 * ldb + j) * 4;
      for (let k = 0; k < kc; k++) {
        const out = panel + <usize>(k * NR) * 4;
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
        src += <usize>ldb * 4;
      }
    } else if (transB && width == NR) {
      // Eight full columns of op(B), each a contiguous row of B: two 4x4 transposes per 4 k.
      const col = b + <usize>(j * ldb + k0) * 4;
      const stride = <usize>ldb * 4;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const out = panel + <usize>(k * NR) * 4;
        transpose4x4(out, col + <usize>k * 4, stride, 32);
        transpose4x4(out + 16, col + 4 * stride + <usize>k * 4, stride, 32);
      }
      for (; k < kc; k++) {
        for (let c = 0; c < NR; c++) {
          store<f32>(
            panel + <usize>(k * NR + c) * 4,
            load<f32>(col + <usize>c * stride + <usize>k * 4),
          );
        }
      }
    } else if (transB) {
      for (let c = 0; c < NR; c++) {
        if (c < width) {
          let src = b + <usize>((j + c) * ldb + k0) * 4;
          for (let k = 0; k < kc; k++) {
            store<f32>(panel + <usize>(k * NR + c) * 4, load<f32>(src));
            src += 4;
          }
        } else {
          for (let k = 0; k < kc; k++) store<f32>(panel + <usize>(k * NR + c) * 4, 0);
        }
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const src = b + <usize>((k0 + k) * ldb + j) * 4;
        const out = panel + <usize>(k * NR) * 4;
        for (let c = 0; c < NR; c++) {
          store<f32>(out + <usize>c * 4, c < width ? load<f32>(src + <usize>c * 4) : 0);
        }
      }
    }
  }
}

/**
 * Reads a 4x4 block (4 rows `srcStride` bytes apart, 4 floats each) and writes its transpose as
 * 4 vectors `dstStride` bytes apart: dst row k holds column k of the block.
 */
@inline
function transpose4x4(dst: usize, src: usize, srcStride: usize, dstStride: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + srcStride);
  const r2 = v128.load(src + 2 * srcStride);
  const r3 = v128.load(src + 3 * srcStride);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + dstStride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
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
        packA(packedA, a, lda, transA, i0, mc, k0, kc, M);
        for (let q = 0; q < nc; q += NR) {
          const pb = packedB + <usize>(q * kc) * 4;
          const j = j0 + q;
          const width = min(NR, N - j);
          for (let p = 0; p < mc; p += MR) {
            const pa = packedA + <usize>(p * kc) * 4;
            const i = i0 + p;
            const height = min(MR, M - i);
            const cTile = c + <usize>(i * ldc + j) * 4;
            if (width == NR && height == MR) {
              microKernel(kc, pa, pb, cTile, ldc, acc);
            } else {
              microKernel(kc, pa, pb, tile, NR, false);
              for (let r = 0; r < height; r++) {
                for (let s = 0; s < width; s++) {
                  const dst = cTile + <usize>(r * ldc + s) * 4;
                  const v = load<f32>(tile + <usize>(r * NR + s) * 4);
                  store<f32>(dst, acc ? load<f32>(dst) + v : v);
                }
              }
            }
          }
        }
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
