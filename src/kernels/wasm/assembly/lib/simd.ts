/** SIMD helpers shared by the kernels. */

/** acc + a * b, fused (one rounding) where relaxed SIMD was enabled at compile time. */
@inline
export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** acc - a * b, fused (one rounding) where relaxed SIMD was enabled at compile time. */
@inline
export function nmadd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, acc);
  return f32x4.sub(acc, f32x4.mul(a, b));
}

/** Even lanes of (a, b) and odd lanes of (a, b): the left and right columns of four 2x2 windows. */
@inline
export function evenLanes(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 0, 2, 4, 6);
}

@inline
export function oddLanes(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 1, 3, 5, 7);
}

/**
 * The first maximum of a and b, lane by lane (a on a tie, so -0 before 0 stays -0), NaN if either
 * is: f32x4.pmax (a < b ? b : a, one instruction on x64, where f32x4.max takes about eight for
 * its NaN and -0 rules) keeps a NaN a, and a NaN b is put back (all ones).
 */
@inline
export function firstMax(a: v128, b: v128): v128 {
  return v128.or(f32x4.pmax(a, b), f32x4.ne(b, b));
}

/**
 * max(v, 0) as the ReLU kernel's (NaN kept, -0 to 0) in two instructions where f32x4.max takes
 * about eight on x64: v <= 0 is false for NaN and true for -0.
 */
@inline
export function reluOf(v: v128): v128 {
  return v128.andnot(v, f32x4.le(v, f32x4.splat(0)));
}

/**
 * Stores the transpose of the 4x4 block whose rows are c0..c3: row l of the transpose,
 * (c0[l], c1[l], c2[l], c3[l]), at d_l. Eight shuffles (unpack low/high, then move halves).
 */
@inline
export function storeTransposed(
  d0: usize,
  d1: usize,
  d2: usize,
  d3: usize,
  c0: v128,
  c1: v128,
  c2: v128,
  c3: v128,
): void {
  const t0 = v128.shuffle<f32>(c0, c1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(c2, c3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(c0, c1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(c2, c3, 2, 6, 3, 7);
  v128.store(d0, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(d1, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(d2, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(d3, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/**
 * Reads a 4x4 block (4 rows `srcStride` bytes apart, 4 floats each) and writes its transpose as
 * 4 vectors `dstStride` bytes apart: dst row k holds column k of the block.
 */
@inline
export function transpose4x4(dst: usize, src: usize, srcStride: usize, dstStride: usize): void {
  storeTransposed(
    dst,
    dst + dstStride,
    dst + 2 * dstStride,
    dst + 3 * dstStride,
    v128.load(src),
    v128.load(src + srcStride),
    v128.load(src + 2 * srcStride),
    v128.load(src + 3 * srcStride),
  );
}

/** v's four lanes as floats `stride` bytes apart from `at` (a column of a transposed block). */
@inline
export function scatterLanes(at: usize, stride: usize, v: v128): void {
  store<f32>(at, f32x4.extract_lane(v, 0));
  store<f32>(at + stride, f32x4.extract_lane(v, 1));
  store<f32>(at + 2 * stride, f32x4.extract_lane(v, 2));
  store<f32>(at + 3 * stride, f32x4.extract_lane(v, 3));
}

/**
 * Lane i of v in every lane: a shuffle, not a load. V8 issues a loop step's loads before its
 * arithmetic, so values splatted by loads are all live at once; splatting four of them from one
 * vector load keeps a 10-accumulator block within x64's 16 SIMD registers (lib/micro-kernel.ts's
 * microKernel5, lib/direct-block.ts's block5).
 */
@inline
export function laneSplat(v: v128, i: i32): v128 {
  if (i == 0) return v128.shuffle<f32>(v, v, 0, 0, 0, 0);
  if (i == 1) return v128.shuffle<f32>(v, v, 1, 1, 1, 1);
  if (i == 2) return v128.shuffle<f32>(v, v, 2, 2, 2, 2);
  return v128.shuffle<f32>(v, v, 3, 3, 3, 3);
}
