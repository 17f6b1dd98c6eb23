/**
 * The GEMM micro-kernels shared by sgemm (sgemm.ts) and the Winograd convolutions (winograd.ts,
 * winograd5.ts): an MR x NR tile of C from an MR-row panel of A and an NR-column panel of B, both
 * packed k-major, held in 8 SIMD registers; and a 5 x NR tile in 10 (microKernel5). With relaxed
 * SIMD enabled at compile time the multiply-add is fused.
 */
import { laneSplat, madd } from './simd';

export const MR: i32 = 4;
export const NR: i32 = 8;
/** Rows of microKernel5's tile. */
export const MR5: i32 = 5;

/**
 * One row of a tile, its NR = 8 columns in lo and hi, stored at `at`, or added to what is there
 * (sum + C, the order every kernel that accumulates into C keeps).
 */
@inline
export function storeTileRow(at: usize, lo: v128, hi: v128, accumulate: bool): void {
  v128.store(at, accumulate ? f32x4.add(lo, v128.load(at)) : lo);
  v128.store(at, accumulate ? f32x4.add(hi, v128.load(at, 16)) : hi, 16);
}

/** The MR x NR tile: c[r*ldc + j] (+)= sum_k pa[k*MR + r] * pb[k*NR + j]. */
@inline
export function microKernel(
  kc: i32,
  pa: usize,
  pb: usize,
  c: usize,
  ldc: i32,
  accumulate: bool,
): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(c00, a, b0);
    c01 = madd(c01, a, b1);
    a = v128.load32_splat(pa, 4);
    c10 = madd(c10, a, b0);
    c11 = madd(c11, a, b1);
    a = v128.load32_splat(pa, 8);
    c20 = madd(c20, a, b0);
    c21 = madd(c21, a, b1);
    a = v128.load32_splat(pa, 12);
    c30 = madd(c30, a, b0);
    c31 = madd(c31, a, b1);
    pa += 16;
    pb += 32;
  }
  const row = <usize>ldc * 4;
  storeTileRow(c, c00, c01, accumulate);
  storeTileRow(c + row, c10, c11, accumulate);
  storeTileRow(c + 2 * row, c20, c21, accumulate);
  storeTileRow(c + 3 * row, c30, c31, accumulate);
}

/**
 * The 5 x NR tile: c[r*ldc + j] (+)= sum_k pa[k*5 + r] * pb[k*NR + j], for the panels of 5 rows
 * of lib/panels.ts; each element the same multiply-adds in the same order as microKernel's, so
 * the same bits. Ten accumulators hide the multiply-add's latency better than eight (about 1.1x
 * the rate measured on x64). Four of the five A values come from one vector load, splatted by
 * shuffles: V8 issues a step's loads before its multiply-adds, and five splatting loads would
 * need 17 of x64's 16 SIMD registers (ten accumulators, two of B, five of A), so they spill.
 */
@inline
export function microKernel5(
  kc: i32,
  pa: usize,
  pb: usize,
  c: usize,
  ldc: i32,
  accumulate: bool,
): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0),
    c41 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const four = v128.load(pa);
    let a = laneSplat(four, 0);
    c00 = madd(c00, a, b0);
    c01 = madd(c01, a, b1);
    a = laneSplat(four, 1);
    c10 = madd(c10, a, b0);
    c11 = madd(c11, a, b1);
    a = laneSplat(four, 2);
    c20 = madd(c20, a, b0);
    c21 = madd(c21, a, b1);
    a = laneSplat(four, 3);
    c30 = madd(c30, a, b0);
    c31 = madd(c31, a, b1);
    a = v128.load32_splat(pa, 16);
    c40 = madd(c40, a, b0);
    c41 = madd(c41, a, b1);
    pa += MR5 * 4;
    pb += 32;
  }
  const row = <usize>ldc * 4;
  storeTileRow(c, c00, c01, accumulate);
  storeTileRow(c + row, c10, c11, accumulate);
  storeTileRow(c + 2 * row, c20, c21, accumulate);
  storeTileRow(c + 3 * row, c30, c31, accumulate);
  storeTileRow(c + 4 * row, c40, c41, accumulate);
}

/** The tile of a panel of h rows (lib/panels.ts): microKernel5 for 5, microKernel for 4. */
@inline
export function panelKernel(
  h: i32,
  kc: i32,
  pa: usize,
  pb: usize,
  c: usize,
  ldc: i32,
  accumulate: bool,
): void {
  if (h == MR5) microKernel5(kc, pa, pb, c, ldc, accumulate);
  else microKernel(kc, pa, pb, c, ldc, accumulate);
}
