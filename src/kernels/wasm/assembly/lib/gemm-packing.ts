/**
 * The SGEMM's packing and its loop over one packed block (sgemm.ts): op(A) into MR-row panels,
 * op(B) into NR-column panels, both k-major, and the micro-kernel over every MR x NR tile of the
 * block (lib/micro-kernel.ts).
 */
import { microKernel, MR, NR } from './micro-kernel';
import { transpose4x4 } from './simd';

/** Packs op(A)[i0..i0+mc, k0..k0+kc] into MR-row panels: dst[(p*kc + k)*MR + r]. */
export function packA(
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
export function packB(
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
 * The micro-kernels of one packed block: rows i0 .. i0 + mc of op(A) (MR-row panels at packedA)
 * times columns j0 .. j0 + nc of op(B) (NR-column panels at packedB), kc deep, into C; edge tiles
 * through `tile`.
 */
@inline
export function multiplyPacked(
  packedA: usize,
  packedB: usize,
  tile: usize,
  i0: i32,
  mc: i32,
  j0: i32,
  nc: i32,
  kc: i32,
  M: i32,
  N: i32,
  c: usize,
  ldc: i32,
  acc: bool,
): void {
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
