/**
 * The input and output transforms of F(5 x 5, 3 x 3) and F(5 x 7, 3 x 3) with SIMD lanes across
 * images (winograd5.ts; G and the filter transform are lib/winograd-transforms.ts'). F(5 x 7)
 * runs F(5,3) down a tile's columns and F(7,3) (bt7, at7 below) along its rows. F(5,3)'s points
 * are 0, 1, -1, 2, -2, 1/2, ∞ (F(4,3)'s and 1/2), a = 7, derived as Lavin & Gray's (Toom-Cook),
 * B^T's rows scaled to integers and G's by the inverse:
 *
 *   B^T = [4 -8 -5 10 1 -2 0;  0 4 -4 -9 1 2 0;  0 -4 12 -7 -3 2 0;  0 2 -3 -4 3 2 0;
 *          0 -2 5 0 -5 2 0;    0 4 0 -5 0 1 0;   0 -4 8 5 -10 -1 2]
 *   G   = [1/4 0 0; -1/6 -1/6 -1/6; 1/18 -1/18 1/18; 1/72 1/36 1/18; -1/120 1/60 -1/30;
 *          32/45 16/45 8/45; 0 0 1/2]
 *   A^T = [1 1 1 1 1 1 0; 0 1 -1 2 -2 1/2 0; 0 1 1 4 4 1/4 0; 0 1 -1 8 -8 1/8 0;
 *          0 1 1 16 16 1/16 1]
 *
 * A vector holds one value of four images' tiles; position ξ = i*7 + k of a transformed tile is
 * the vector at `base + ξ*stride` (F(5 x 7): ξ = i*9 + k). Float32 error against float64, 32
 * channels of N(0,1) inputs: about 2.5e-6 of the output's scale for F(5,3) (F(4,3): 1.6e-6),
 * 2.4e-5 for F(5 x 7) (docs/fast-backend.md, "Winograd").
 */
import { madd, nmadd } from './simd';

/**
 * B^T d for d = d0..d6 (lanes are images), written to dst + i*step. With e_k = d_k - 2d_{k+1},
 * every row is a short sum of e's: the pairs of rows for the points ±1 and ±2 share their parts,
 * rows 1, 2 are t2 ± t1 and rows 3, 4 are p2 ± 2p1 (p1 = e1 - e3, p2 = e2 - e4, t1 = 4e1 - e3 =
 * 3e1 + p1, t2 = 4e2 - e4 = 3e2 + p2), each a multiply-add: 20 operations where B^T has 30
 * nonzeros.
 */
@inline
function bt5(
  dst: usize,
  step: usize,
  d0: v128,
  d1: v128,
  d2: v128,
  d3: v128,
  d4: v128,
  d5: v128,
  d6: v128,
): void {
  const minusTwo = f32x4.splat(-2);
  const two = f32x4.splat(2);
  const three = f32x4.splat(3);
  const four = f32x4.splat(4);
  const five = f32x4.splat(5);
  const e0 = madd(d0, d1, minusTwo);
  const e1 = madd(d1, d2, minusTwo);
  const e2 = madd(d2, d3, minusTwo);
  const e3 = madd(d3, d4, minusTwo);
  const e4 = madd(d4, d5, minusTwo);
  const e5 = madd(d5, d6, minusTwo);
  const p1 = f32x4.sub(e1, e3);
  const p2 = f32x4.sub(e2, e4);
  const t1 = madd(p1, e1, three);
  const t2 = madd(p2, e2, three);
  v128.store(dst, madd(nmadd(e4, e2, five), e0, four));
  v128.store(dst + step, f32x4.add(t2, t1));
  v128.store(dst + 2 * step, f32x4.sub(t2, t1));
  v128.store(dst + 3 * step, madd(p2, p1, two));
  v128.store(dst + 4 * step, nmadd(p2, p1, two));
  v128.store(dst + 5 * step, madd(nmadd(d5, d3, five), d1, four));
  v128.store(dst + 6 * step, nmadd(f32x4.sub(e3, e5), p1, four));
}

/** bt5 of the seven vectors from src (16 bytes apart): a row or a column of a patch. */
@inline
function bt5Run(dst: usize, step: usize, src: usize): void {
  bt5(
    dst,
    step,
    v128.load(src),
    v128.load(src, 16),
    v128.load(src, 32),
    v128.load(src, 48),
    v128.load(src, 64),
    v128.load(src, 80),
    v128.load(src, 96),
  );
}

/**
 * F(5,3)'s B^T down the columns of (d B), whose column k (7 vectors, a row r at r*16) starts at
 * tmp + k*112: position ξ = i*width + k written at dst + ξ*stride.
 */
@inline
function inputColumns5(dst: usize, stride: usize, tmp: usize, width: i32): void {
  for (let k = 0; k < width; k++) {
    bt5Run(dst + <usize>k * stride, <usize>width * stride, tmp + <usize>k * 112);
  }
}

/** F(5,3)'s (d B) for a 7x7 patch's rows (its (r, j) vector at src + r*rowStride + j*16). */
@inline
function inputRows5(src: usize, rowStride: usize, tmp: usize): void {
  // (d B)[r, k] at tmp + k*112 + r*16
  for (let r = 0; r < 7; r++) bt5Run(tmp + <usize>r * 16, 112, src + <usize>r * rowStride);
}

/** y * mul + add in one rounding where `scaled` (an output transform's last pass), else y. */
@inline
function scaleShift(y: v128, scaled: bool, mul: v128, add: v128): v128 {
  return scaled ? madd(add, y, mul) : y;
}

/**
 * A^T m for m = m0..m6, written to dst + j*step; `scaled`, each times `mul` plus `add`. A^T's
 * factors are powers of two, so each multiply-add rounds once, as the sum it replaces did.
 */
@inline
function at5(
  dst: usize,
  step: usize,
  m0: v128,
  m1: v128,
  m2: v128,
  m3: v128,
  m4: v128,
  m5: v128,
  m6: v128,
  scaled: bool,
  mul: v128,
  add: v128,
): void {
  const a = f32x4.add(m1, m2);
  const b = f32x4.sub(m1, m2);
  const c = f32x4.add(m3, m4);
  const d = f32x4.sub(m3, m4);
  const y0 = f32x4.add(f32x4.add(f32x4.add(m0, a), c), m5);
  const y1 = madd(madd(b, d, f32x4.splat(2)), m5, f32x4.splat(0.5));
  const y2 = madd(madd(a, c, f32x4.splat(4)), m5, f32x4.splat(0.25));
  const y3 = madd(madd(b, d, f32x4.splat(8)), m5, f32x4.splat(0.125));
  const y4 = f32x4.add(madd(madd(a, c, f32x4.splat(16)), m5, f32x4.splat(0.0625)), m6);
  v128.store(dst, scaleShift(y0, scaled, mul, add));
  v128.store(dst + step, scaleShift(y1, scaled, mul, add));
  v128.store(dst + 2 * step, scaleShift(y2, scaled, mul, add));
  v128.store(dst + 3 * step, scaleShift(y3, scaled, mul, add));
  v128.store(dst + 4 * step, scaleShift(y4, scaled, mul, add));
}

/**
 * F(5,3)'s A^T down the columns of M, whose position ξ = i*width + k is at src + ξ*stride:
 * (A^T M)[j, k] written at tmp + j*width*16 + k*16.
 */
@inline
function outputColumns5(tmp: usize, src: usize, stride: usize, width: i32): void {
  const s: usize = <usize>width * stride;
  const none = f32x4.splat(0);
  for (let k = 0; k < width; k++) {
    const p = src + <usize>k * stride;
    at5(
      tmp + <usize>k * 16,
      <usize>width * 16,
      v128.load(p),
      v128.load(p + s),
      v128.load(p + 2 * s),
      v128.load(p + 3 * s),
      v128.load(p + 4 * s),
      v128.load(p + 5 * s),
      v128.load(p + 6 * s),
      false,
      none,
      none,
    );
  }
}

/** The last pass of F(5,3)'s output transform: A^T along the 7-wide rows of tmp's (A^T M). */
@inline
function outputRows5(out: usize, rowStride: usize, tmp: usize, mul: v128, add: v128): void {
  for (let j = 0; j < 5; j++) {
    const row = tmp + <usize>j * 112;
    at5(
      out + <usize>j * rowStride,
      16,
      v128.load(row),
      v128.load(row, 16),
      v128.load(row, 32),
      v128.load(row, 48),
      v128.load(row, 64),
      v128.load(row, 80),
      v128.load(row, 96),
      true,
      mul,
      add,
    );
  }
}

/**
 * B^T d for F(7,3)'s 9 points 0, 1, -1, 2, -2, 1/2, -1/2, q = 1/4, ∞ (the width of F(5 x 7)),
 * unscaled: row j holds the coefficients of M(x)/(x - p_j), M(x) = x (x - q) S(x) with
 * S(x) = (x²-1)(x²-4)(x²-1/4) = x⁶ - 21/4 x⁴ + 21/4 x² - 1. With f_k = d_{k+1} - q d_k (the
 * factor x - q applied to d) and S_p = S/(x² - p²) = x⁴ + β_p x² + γ_p:
 *
 *   row 0 (x - q) S        (f6 - f0) + 21/4 (f2 - f4)
 *   row ±p (x - q) x S_p (x ± p)   E_p ± p O_p,  E_p = f6 + β f4 + γ f2,  O_p = f5 + β f3 + γ f1
 *   row q  x S             (d7 - d1) + 21/4 (d3 - d5)
 *   row ∞  M               (f7 - f1) + 21/4 (f3 - f5)
 *
 * (β, γ) = (-17/4, 1), (-5/4, 1/4), (-5, 4) for p = 1, 2, 1/2: 35 operations where B^T has 57
 * nonzeros.
 */
@inline
function bt7(dst: usize, step: usize, d: usize, dStep: usize): void {
  const q = f32x4.splat(0.25);
  const k21 = f32x4.splat(5.25);
  const d1 = v128.load(d + dStep);
  const d3 = v128.load(d + 3 * dStep);
  const d5 = v128.load(d + 5 * dStep);
  const d7 = v128.load(d + 7 * dStep);
  const d0 = v128.load(d);
  const d2 = v128.load(d + 2 * dStep);
  const d4 = v128.load(d + 4 * dStep);
  const d6 = v128.load(d + 6 * dStep);
  const d8 = v128.load(d + 8 * dStep);
  const f0 = nmadd(d1, d0, q);
  const f1 = nmadd(d2, d1, q);
  const f2 = nmadd(d3, d2, q);
  const f3 = nmadd(d4, d3, q);
  const f4 = nmadd(d5, d4, q);
  const f5 = nmadd(d6, d5, q);
  const f6 = nmadd(d7, d6, q);
  const f7 = nmadd(d8, d7, q);
  v128.store(dst, madd(f32x4.sub(f6, f0), f32x4.sub(f2, f4), k21));
  const e1 = f32x4.add(madd(f6, f4, f32x4.splat(-4.25)), f2);
  const o1 = f32x4.add(madd(f5, f3, f32x4.splat(-4.25)), f1);
  v128.store(dst + step, f32x4.add(e1, o1));
  v128.store(dst + 2 * step, f32x4.sub(e1, o1));
  const e2 = madd(madd(f6, f4, f32x4.splat(-1.25)), f2, q);
  const o2 = madd(madd(f5, f3, f32x4.splat(-1.25)), f1, q);
  v128.store(dst + 3 * step, madd(e2, o2, f32x4.splat(2)));
  v128.store(dst + 4 * step, nmadd(e2, o2, f32x4.splat(2)));
  const eh = madd(madd(f6, f4, f32x4.splat(-5)), f2, f32x4.splat(4));
  const oh = madd(madd(f5, f3, f32x4.splat(-5)), f1, f32x4.splat(4));
  v128.store(dst + 5 * step, madd(eh, oh, f32x4.splat(0.5)));
  v128.store(dst + 6 * step, nmadd(eh, oh, f32x4.splat(0.5)));
  v128.store(dst + 7 * step, madd(f32x4.sub(d7, d1), f32x4.sub(d3, d5), k21));
  v128.store(dst + 8 * step, madd(f32x4.sub(f7, f1), f32x4.sub(f3, f5), k21));
}

/**
 * A^T m for F(7,3), m at m + j*mStep (j = 0..8), each times `mul` plus `add`, written to
 * dst + i*step (the output transform's last pass). Columns ±p pair up (sums for even rows,
 * differences for odd ones); every factor is a power of two.
 */
@inline
function at7(dst: usize, step: usize, m: usize, mStep: usize, mul: v128, add: v128): void {
  const m1 = v128.load(m + mStep);
  const m2 = v128.load(m + 2 * mStep);
  const m3 = v128.load(m + 3 * mStep);
  const m4 = v128.load(m + 4 * mStep);
  const m5 = v128.load(m + 5 * mStep);
  const m6 = v128.load(m + 6 * mStep);
  const m7 = v128.load(m + 7 * mStep);
  const a1 = f32x4.add(m1, m2);
  const b1 = f32x4.sub(m1, m2);
  const a2 = f32x4.add(m3, m4);
  const b2 = f32x4.sub(m3, m4);
  const ah = f32x4.add(m5, m6);
  const bh = f32x4.sub(m5, m6);
  const y0 = f32x4.add(f32x4.add(f32x4.add(f32x4.add(v128.load(m), a1), a2), ah), m7);
  const y1 = madd(madd(madd(b1, b2, f32x4.splat(2)), bh, f32x4.splat(0.5)), m7, f32x4.splat(0.25));
  const y2 = madd(
    madd(madd(a1, a2, f32x4.splat(4)), ah, f32x4.splat(0.25)),
    m7,
    f32x4.splat(0.0625),
  );
  const y3 = madd(
    madd(madd(b1, b2, f32x4.splat(8)), bh, f32x4.splat(0.125)),
    m7,
    f32x4.splat(0.015625),
  );
  const y4 = madd(
    madd(madd(a1, a2, f32x4.splat(16)), ah, f32x4.splat(0.0625)),
    m7,
    f32x4.splat(0.00390625),
  );
  const y5 = madd(
    madd(madd(b1, b2, f32x4.splat(32)), bh, f32x4.splat(0.03125)),
    m7,
    f32x4.splat(0.0009765625),
  );
  const y6 = f32x4.add(
    madd(
      madd(madd(a1, a2, f32x4.splat(64)), ah, f32x4.splat(0.015625)),
      m7,
      f32x4.splat(0.000244140625),
    ),
    v128.load(m + 8 * mStep),
  );
  v128.store(dst, madd(add, y0, mul));
  v128.store(dst + step, madd(add, y1, mul));
  v128.store(dst + 2 * step, madd(add, y2, mul));
  v128.store(dst + 3 * step, madd(add, y3, mul));
  v128.store(dst + 4 * step, madd(add, y4, mul));
  v128.store(dst + 5 * step, madd(add, y5, mul));
  v128.store(dst + 6 * step, madd(add, y6, mul));
}

/**
 * B^T d B for four images' patches of 7 rows and mw + 2 columns (mw = 5: F(5,3); 7: F(5 x 7),
 * whose rows take F(7,3)): the patch's (r, j) vector at src + r*rowStride + j*16; position
 * ξ = i*(mw + 2) + k written at dst + ξ*stride. `tmp` holds 63 vectors.
 */
export function inputTransform5(
  dst: usize,
  stride: usize,
  src: usize,
  rowStride: usize,
  tmp: usize,
  mw: i32,
): void {
  // (d B)[r, k] at tmp + k*112 + r*16, then B^T down its columns
  if (mw == 7) {
    for (let r = 0; r < 7; r++) bt7(tmp + <usize>r * 16, 112, src + <usize>r * rowStride, 16);
    inputColumns5(dst, stride, tmp, 9);
  } else {
    inputRows5(src, rowStride, tmp);
    inputColumns5(dst, stride, tmp, 7);
  }
}

/**
 * scale * (A^T M A) + bias for four images' tiles of 5 rows and mw columns (5 or 7, as
 * inputTransform5): M's position ξ = i*(mw + 2) + k at src + ξ*stride; output (i, j) of the tile
 * written at out + i*rowStride + j*16. `tmp` holds 45 vectors. A scale of 1 changes nothing
 * (x * 1 is x exactly).
 */
export function outputTransform5(
  out: usize,
  rowStride: usize,
  src: usize,
  stride: usize,
  scale: f32,
  bias: f32,
  tmp: usize,
  mw: i32,
): void {
  const mul = f32x4.splat(scale);
  const add = f32x4.splat(bias);
  if (mw == 7) {
    outputColumns5(tmp, src, stride, 9);
    for (let i = 0; i < 5; i++) {
      at7(out + <usize>i * rowStride, 16, tmp + <usize>i * 144, 16, mul, add);
    }
  } else {
    outputColumns5(tmp, src, stride, 7);
    outputRows5(out, rowStride, tmp, mul, add);
  }
}
