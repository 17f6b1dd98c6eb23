/**
 * The transforms of the Winograd weight gradient (assembly/winograd-weight-grad.ts). The forward
 * tile is Y = A^T (U ⊙ V) A with U = G g G^T (lib/winograd-transforms.ts), so by the adjoints
 *
 *   dM = A dY A^T          per tile, (a,a) from dY:(m,m)
 *   dU = sum over tiles of dM ⊙ V
 *   dg = G^T dU G          per filter and channel
 *
 * A is (A^T)^T: for F(4,3) A y = (y0, y0+y1+y2+y3, y0-y1+y2-y3, y0+2y1+4y2+8y3, y0-2y1+4y2-8y3,
 * y3); for F(2,3) A y = (y0, y0+y1, y0-y1, -y1). As in the forward, four horizontally adjacent
 * tiles are transformed at once, one per SIMD lane.
 */
import { gTable } from './winograd-filter';

/** A y for F(4,3), written to dst + k*step. */
@inline
function a4(dst: usize, step: usize, y0: v128, y1: v128, y2: v128, y3: v128): void {
  const even = f32x4.add(y0, y2);
  const odd = f32x4.add(y1, y3);
  const even4 = f32x4.add(y0, f32x4.mul(f32x4.splat(4), y2));
  const odd8 = f32x4.add(f32x4.mul(f32x4.splat(2), y1), f32x4.mul(f32x4.splat(8), y3));
  v128.store(dst, y0);
  v128.store(dst + step, f32x4.add(even, odd));
  v128.store(dst + 2 * step, f32x4.sub(even, odd));
  v128.store(dst + 3 * step, f32x4.add(even4, odd8));
  v128.store(dst + 4 * step, f32x4.sub(even4, odd8));
  v128.store(dst + 5 * step, y3);
}

/** A y for F(2,3), written to dst + k*step. */
@inline
function a2(dst: usize, step: usize, y0: v128, y1: v128): void {
  v128.store(dst, y0);
  v128.store(dst + step, f32x4.add(y0, y1));
  v128.store(dst + 2 * step, f32x4.sub(y0, y1));
  v128.store(dst + 3 * step, f32x4.neg(y1));
}

/**
 * dM = A dY A^T for four tiles of F(4,3): row i of the tiles' dY as 16 floats at src + i*rowStride
 * (tile t's 4 columns at 4t); dM's position ξ at dst + ξ*stride. `tmp` holds 24 vectors.
 */
export function gradOutputTransform4(
  dst: usize,
  stride: usize,
  src: usize,
  rowStride: usize,
  tmp: usize,
): void {
  for (let i = 0; i < 4; i++) {
    const p = src + <usize>i * rowStride;
    const r0 = v128.load(p);
    const r1 = v128.load(p, 16);
    const r2 = v128.load(p, 32);
    const r3 = v128.load(p, 48);
    const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
    const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
    // (dY A^T)[i, k] at tmp + k*64 + i*16
    a4(
      tmp + <usize>i * 16,
      64,
      v128.shuffle<f32>(t0, t1, 0, 1, 4, 5),
      v128.shuffle<f32>(t0, t1, 2, 3, 6, 7),
      v128.shuffle<f32>(t2, t3, 0, 1, 4, 5),
      v128.shuffle<f32>(t2, t3, 2, 3, 6, 7),
    );
  }
  for (let k = 0; k < 6; k++) {
    const col = tmp + <usize>k * 64;
    a4(
      dst + <usize>k * stride,
      6 * stride,
      v128.load(col),
      v128.load(col, 16),
      v128.load(col, 32),
      v128.load(col, 48),
    );
  }
}

/** dM = A dY A^T for four tiles of F(2,3): row i of dY as 8 floats at src + i*rowStride. */
export function gradOutputTransform2(
  dst: usize,
  stride: usize,
  src: usize,
  rowStride: usize,
  tmp: usize,
): void {
  for (let i = 0; i < 2; i++) {
    const p = src + <usize>i * rowStride;
    const v0 = v128.load(p);
    const v1 = v128.load(p, 16);
    a2(
      tmp + <usize>i * 16,
      32,
      v128.shuffle<f32>(v0, v1, 0, 2, 4, 6),
      v128.shuffle<f32>(v0, v1, 1, 3, 5, 7),
    );
  }
  for (let k = 0; k < 4; k++) {
    const col = tmp + <usize>k * 32;
    a2(dst + <usize>k * stride, 4 * stride, v128.load(col), v128.load(col, 16));
  }
}

/**
 * dg = G^T dU G for one filter and channels c and c + 1, in f64, one channel per lane of an
 * f64x2 (each lane the same operations as one channel alone): dU's position ξ of channel c at
 * src + ξ*stride and of c + 1 at the next float; dg[kh][kw] stored at dst + (kh*3 + kw)*4 for c,
 * and 36 bytes on for c + 1 where `both`. `tmp` holds 18 f64x2.
 */
export function filterGradTransform(
  m: i32,
  dst: usize,
  src: usize,
  stride: usize,
  both: bool,
  tmp: usize,
): void {
  const a = m + 2;
  const g = gTable(m);
  for (let i = 0; i < a; i++) {
    for (let kw = 0; kw < 3; kw++) {
      let s = f64x2.splat(0);
      for (let k = 0; k < a; k++) {
        const du = f64x2.promote_low_f32x4(v128.load64_zero(src + <usize>(i * a + k) * stride));
        s = f64x2.add(s, f64x2.mul(du, v128.load64_splat(g + <usize>(k * 3 + kw) * 8)));
      }
      v128.store(tmp + <usize>(i * 3 + kw) * 16, s);
    }
  }
  for (let kh = 0; kh < 3; kh++) {
    for (let kw = 0; kw < 3; kw++) {
      let s = f64x2.splat(0);
      for (let i = 0; i < a; i++) {
        const row = v128.load(tmp + <usize>(i * 3 + kw) * 16);
        s = f64x2.add(s, f64x2.mul(v128.load64_splat(g + <usize>(i * 3 + kh) * 8), row));
      }
      const dg = f32x4.demote_f64x2_zero(s);
      const at = dst + <usize>(kh * 3 + kw) * 4;
      v128.store32_lane(at, dg, 0);
      if (both) v128.store32_lane(at + 36, dg, 1);
    }
  }
}
