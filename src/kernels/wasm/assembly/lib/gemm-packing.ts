/**
 * The SGEMM's packing and its loop over one packed block (sgemm.ts): op(A) into row panels (of
 * MR rows, or of 5 and 4: lib/panels.ts), op(B) into NR-column panels, both k-major, and the
 * micro-kernels over every tile of the block (lib/micro-kernel.ts).
 */
import { MR5, NR, panelKernel } from './micro-kernel';
import { panelCount, panelHeight, panelStart } from './panels';
import { transpose4x4 } from './simd';

/**
 * Packs op(A)[i0..i0+mc, k0..k0+kc] into row panels, k-major: panels of MR rows (fives = 0), or
 * lib/panels.ts's `fives` panels of 5 and then panels of 4; panel i of h rows from row p is
 * dst[p*kc + k*h + r], rows past M zero.
 */
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
  fives: i32,
): void {
  const count = panelCount(mc, fives);
  const stride = <usize>lda * 4;
  for (let i = 0; i < count; i++) {
    const p = panelStart(i, fives);
    const h = panelHeight(i, fives);
    const panel = dst + <usize>(p * kc) * 4;
    const step = <usize>h * 4; // bytes from one k to the next
    if (!transA && i0 + p + h <= M) {
      // Full rows, each contiguous in k: 4x4 blocks of the first four rows transposed into the
      // k-major panel, and a fifth row's values between them.
      const row = a + <usize>((i0 + p) * lda + k0) * 4;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const at = panel + <usize>k * step;
        transpose4x4(at, row + <usize>k * 4, stride, step);
        if (h == MR5) {
          const fifth = row + 4 * stride + <usize>k * 4;
          for (let kk = 0; kk < 4; kk++) {
            store<f32>(at + <usize>kk * step + 16, load<f32>(fifth + <usize>kk * 4));
          }
        }
      }
      for (; k < kc; k++) {
        for (let r = 0; r < h; r++) {
          store<f32>(
            panel + <usize>k * step + <usize>r * 4,
            load<f32>(row + <usize>r * stride + <usize>k * 4),
          );
        }
      }
      continue;
    }
    for (let r = 0; r < h; r++) {
      const i = i0 + p + r;
      const out = panel + <usize>r * 4;
      if (i < M) {
        if (transA) {
          let src = a + <usize>(k0 * lda + i) * 4;
          for (let k = 0; k < kc; k++) {
            store<f32>(out + <usize>k * step, load<f32>(src));
            src += stride;
          }
        } else {
          const src = a + <usize>(i * lda + k0) * 4;
          for (let k = 0; k < kc; k++) {
            store<f32>(out + <usize>k * step, load<f32>(src + <usize>k * 4));
          }
        }
      } else {
        for (let k = 0; k < kc; k++) store<f32>(out + <usize>k * step, 0);
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
 * The micro-kernels of one packed block: rows i0 .. i0 + mc of op(A) (packA's panels, `fives` of
 * 5 rows) times columns j0 .. j0 + nc of op(B) (NR-column panels at packedB), kc deep, into C;
 * edge tiles through `tile`.
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
  fives: i32,
): void {
  const count = panelCount(mc, fives);
  for (let q = 0; q < nc; q += NR) {
    const pb = packedB + <usize>(q * kc) * 4;
    const j = j0 + q;
    const width = min(NR, N - j);
    for (let p = 0; p < count; p++) {
      const first = panelStart(p, fives);
      const rows = panelHeight(p, fives);
      const pa = packedA + <usize>(first * kc) * 4;
      const i = i0 + first;
      const height = min(rows, M - i);
      const cTile = c + <usize>(i * ldc + j) * 4;
      if (width == NR && height == rows) {
        panelKernel(rows, kc, pa, pb, cTile, ldc, acc);
      } else {
        panelKernel(rows, kc, pa, pb, tile, NR, false);
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
