/**
 * The Winograd transforms of F(m x m, 3 x 3), m = 2 or 4 (Lavin & Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016). An output tile Y:(m,m) of a 3x3 correlation of an input
 * patch d:(a,a), a = m + 2, with a filter g:(3,3) is
 *
 *   Y = A^T [ (G g G^T) ⊙ (B^T d B) ] A
 *
 * with, for F(2,3) (points 0, 1, -1, ∞):
 *
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]
 *   A^T = [1 1 1 0; 0 1 -1 -1]
 *
 * and for F(4,3) (points 0, 1, -1, 2, -2, ∞):
 *
 *   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
 *   G   = [¼ 0 0; -⅙ -⅙ -⅙; -⅙ ⅙ -⅙; 1/24 1/12 ⅙; 1/24 -1/12 ⅙; 0 0 1]
 *   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
 *
 * The input and output transforms work on four horizontally adjacent tiles at once, one per
 * SIMD lane; position ξ = i*a + k of the transformed tile is vector ξ at `dst + ξ*stride`. The
 * filter transform, G g G^T, is lib/winograd-filter.ts's.
 */
import { madd, nmadd, storeTransposed } from './simd';

/**
 * B^T v for F(4,3), v = d0..d5 (lanes are tiles), written to dst + i*step. Rows 1, 2 are a ∓ b
 * and rows 3, 4 are c ∓ 2e, with a = d4 - 4d2, b = 4d1 - d3 (kept as -b), c = d4 - d2 and
 * e = d1 - d3; each term a multiply-add.
 */
@inline
function bt4(
  dst: usize,
  step: usize,
  d0: v128,
  d1: v128,
  d2: v128,
  d3: v128,
  d4: v128,
  d5: v128,
): void {
  const four = f32x4.splat(4);
  const five = f32x4.splat(5);
  const two = f32x4.splat(2);
  const a = nmadd(d4, d2, four);
  const minusB = nmadd(d3, d1, four);
  const c = f32x4.sub(d4, d2);
  const e = f32x4.sub(d1, d3);
  v128.store(dst, madd(nmadd(d4, d2, five), d0, four));
  v128.store(dst + step, f32x4.add(a, minusB));
  v128.store(dst + 2 * step, f32x4.sub(a, minusB));
  v128.store(dst + 3 * step, nmadd(c, e, two));
  v128.store(dst + 4 * step, madd(c, e, two));
  v128.store(dst + 5 * step, madd(nmadd(d5, d3, five), d1, four));
}

/** B^T v for F(2,3), written to dst + i*step. */
@inline
function bt2(dst: usize, step: usize, d0: v128, d1: v128, d2: v128, d3: v128): void {
  v128.store(dst, f32x4.sub(d0, d2));
  v128.store(dst + step, f32x4.add(d1, d2));
  v128.store(dst + 2 * step, f32x4.sub(d2, d1));
  v128.store(dst + 3 * step, f32x4.sub(d1, d3));
}

/**
 * B^T d B for four tiles of F(4,3). `src` is the patches' top-left value (tile t's patch starts
 * 4t floats further), rows `rowStride` bytes apart; 20 floats of each row are read. `tmp` holds
 * 36 vectors.
 */
export function inputTransform4(
  dst: usize,
  stride: usize,
  src: usize,
  rowStride: usize,
  tmp: usize,
): void {
  for (let r = 0; r < 6; r++) {
    const p = src + <usize>r * rowStride;
    const v0 = v128.load(p);
    const v1 = v128.load(p, 16);
    const v2 = v128.load(p, 32);
    const v3 = v128.load(p, 48);
    const v4 = v128.load(p, 64);
    // Column j of the four patches: lane t = p[4t + j].
    const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
    const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
    const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
    const d0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5);
    const d1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
    const d2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5);
    const d3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
    const d4 = v128.shuffle<f32>(d0, v4, 1, 2, 3, 4);
    const d5 = v128.shuffle<f32>(d1, v4, 1, 2, 3, 5);
    bt4(tmp + <usize>r * 16, 96, d0, d1, d2, d3, d4, d5); // (d B)[r, k] at tmp + k*96 + r*16
  }
  for (let k = 0; k < 6; k++) {
    const col = tmp + <usize>k * 96;
    bt4(
      dst + <usize>k * stride,
      6 * stride,
      v128.load(col),
      v128.load(col, 16),
      v128.load(col, 32),
      v128.load(col, 48),
      v128.load(col, 64),
      v128.load(col, 80),
    );
  }
}

/** B^T d B for four tiles of F(2,3): patches 2 floats apart, 12 floats of each row read; `tmp` holds 16 vectors. */
export function inputTransform2(
  dst: usize,
  stride: usize,
  src: usize,
  rowStride: usize,
  tmp: usize,
): void {
  for (let r = 0; r < 4; r++) {
    const p = src + <usize>r * rowStride;
    const v0 = v128.load(p);
    const v1 = v128.load(p, 16);
    const v2 = v128.load(p, 32);
    const d0 = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
    const d1 = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
    const d2 = v128.shuffle<f32>(d0, v2, 1, 2, 3, 4);
    const d3 = v128.shuffle<f32>(d1, v2, 1, 2, 3, 5);
    bt2(tmp + <usize>r * 16, 64, d0, d1, d2, d3);
  }
  for (let k = 0; k < 4; k++) {
    const col = tmp + <usize>k * 64;
    bt2(
      dst + <usize>k * stride,
      4 * stride,
      v128.load(col),
      v128.load(col, 16),
      v128.load(col, 32),
      v128.load(col, 48),
    );
  }
}

/** A^T v for F(4,3), v = m0..m5, written to dst + j*step. */
@inline
function at4(
  dst: usize,
  step: usize,
  m0: v128,
  m1: v128,
  m2: v128,
  m3: v128,
  m4: v128,
  m5: v128,
): void {
  const a = f32x4.add(m1, m2);
  const b = f32x4.sub(m1, m2);
  const c = f32x4.add(m3, m4);
  const d = f32x4.sub(m3, m4);
  v128.store(dst, f32x4.add(f32x4.add(m0, a), c));
  v128.store(dst + step, madd(b, d, f32x4.splat(2)));
  v128.store(dst + 2 * step, madd(a, c, f32x4.splat(4)));
  v128.store(dst + 3 * step, f32x4.add(madd(b, d, f32x4.splat(8)), m5));
}

/**
 * scale * (A^T M A) + bias for four tiles of F(4,3): M's position ξ at src + ξ*stride. Writes
 * output row j of the tiles as 16 floats at out + j*rowStride (tile t's 4 columns at 4t). `tmp`
 * holds 24 vectors. A scale of 1 changes nothing (x * 1 is x exactly).
 */
export function outputTransform4(
  out: usize,
  rowStride: usize,
  src: usize,
  stride: usize,
  scale: f32,
  bias: f32,
  tmp: usize,
): void {
  const s: usize = 6 * stride;
  for (let k = 0; k < 6; k++) {
    const p = src + <usize>k * stride;
    // (A^T M)[j, k] at tmp + j*96 + k*16
    at4(
      tmp + <usize>k * 16,
      96,
      v128.load(p),
      v128.load(p + s),
      v128.load(p + 2 * s),
      v128.load(p + 3 * s),
      v128.load(p + 4 * s),
      v128.load(p + 5 * s),
    );
  }
  const mul = f32x4.splat(scale);
  const add = f32x4.splat(bias);
  for (let j = 0; j < 4; j++) {
    const row = tmp + <usize>j * 96;
    const m0 = v128.load(row);
    const m1 = v128.load(row, 16);
    const m2 = v128.load(row, 32);
    const m3 = v128.load(row, 48);
    const m4 = v128.load(row, 64);
    const m5 = v128.load(row, 80);
    const a = f32x4.add(m1, m2);
    const b = f32x4.sub(m1, m2);
    const c = f32x4.add(m3, m4);
    const d = f32x4.sub(m3, m4);
    // Rows c0..c3 of the 4 tiles (lanes) transposed: the 4 tiles' 4 columns side by side.
    const at = out + <usize>j * rowStride;
    storeTransposed(
      at,
      at + 16,
      at + 32,
      at + 48,
      madd(add, f32x4.add(f32x4.add(m0, a), c), mul),
      madd(add, madd(b, d, f32x4.splat(2)), mul),
      madd(add, madd(a, c, f32x4.splat(4)), mul),
      madd(add, f32x4.add(madd(b, d, f32x4.splat(8)), m5), mul),
    );
  }
}

/**
 * scale * (A^T M A) + bias for four tiles of F(2,3): output row j of the tiles as 8 floats at
 * out + j*rowStride. Needs no temporaries.
 */
export function outputTransform2(
  out: usize,
  rowStride: usize,
  src: usize,
  stride: usize,
  scale: f32,
  bias: f32,
): void {
  const mul = f32x4.splat(scale);
  const add = f32x4.splat(bias);
  // m_k = (A^T M)[j, k] (A^T's row 0 adds M's rows 0..2, row 1 is M1 - M2 - M3), then A^T on m.
  const s: usize = 4 * stride;
  for (let j = 0; j < 2; j++) {
    let m0: v128, m1: v128, m2: v128, m3: v128;
    const q0 = src;
    if (j == 0) {
      m0 = f32x4.add(f32x4.add(v128.load(q0), v128.load(q0 + s)), v128.load(q0 + 2 * s));
      m1 = f32x4.add(
        f32x4.add(v128.load(q0 + stride), v128.load(q0 + stride + s)),
        v128.load(q0 + stride + 2 * s),
      );
      m2 = f32x4.add(
        f32x4.add(v128.load(q0 + 2 * stride), v128.load(q0 + 2 * stride + s)),
        v128.load(q0 + 2 * stride + 2 * s),
      );
      m3 = f32x4.add(
        f32x4.add(v128.load(q0 + 3 * stride), v128.load(q0 + 3 * stride + s)),
        v128.load(q0 + 3 * stride + 2 * s),
      );
    } else {
      m0 = f32x4.sub(f32x4.sub(v128.load(q0 + s), v128.load(q0 + 2 * s)), v128.load(q0 + 3 * s));
      m1 = f32x4.sub(
        f32x4.sub(v128.load(q0 + stride + s), v128.load(q0 + stride + 2 * s)),
        v128.load(q0 + stride + 3 * s),
      );
      m2 = f32x4.sub(
        f32x4.sub(v128.load(q0 + 2 * stride + s), v128.load(q0 + 2 * stride + 2 * s)),
        v128.load(q0 + 2 * stride + 3 * s),
      );
      m3 = f32x4.sub(
        f32x4.sub(v128.load(q0 + 3 * stride + s), v128.load(q0 + 3 * stride + 2 * s)),
        v128.load(q0 + 3 * stride + 3 * s),
      );
    }
    const c0 = madd(add, f32x4.add(f32x4.add(m0, m1), m2), mul);
    const c1 = madd(add, f32x4.sub(f32x4.sub(m1, m2), m3), mul);
    const dst = out + <usize>j * rowStride;
    v128.store(dst, v128.shuffle<f32>(c0, c1, 0, 4, 1, 5));
    v128.store(dst, v128.shuffle<f32>(c0, c1, 2, 6, 3, 7), 16);
  }
}
