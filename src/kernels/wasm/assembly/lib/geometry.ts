/**
 * Geometry records written by the host (field order: src/kernels/wasm/geometry-records.ts) into wasm memory as
 * consecutive i32 fields, in exactly this order. They mirror Conv2dGeometry, Pool2dGeometry and
 * Upsample2dGeometry (its sizes) of src/shape/, where every size was computed and checked.
 */

@unmanaged
export class ConvGeometry {
  N: i32;
  C: i32;
  H: i32;
  W: i32;
  F: i32;
  KH: i32;
  KW: i32;
  strideH: i32;
  strideW: i32;
  padH: i32;
  padW: i32;
  dilationH: i32;
  dilationW: i32;
  groups: i32;
  OH: i32;
  OW: i32;
}

@unmanaged
export class PoolGeometry {
  N: i32;
  C: i32;
  H: i32;
  W: i32;
  KH: i32;
  KW: i32;
  strideH: i32;
  strideW: i32;
  padH: i32;
  padW: i32;
  OH: i32;
  OW: i32;
}

@unmanaged
export class UpsampleGeometry {
  N: i32;
  C: i32;
  H: i32;
  W: i32;
  OH: i32;
  OW: i32;
}

/**
 * A convolution whose im2col is its input itself: a 1x1 kernel, stride 1, no padding, and an
 * output the size of the input (a transposed convolution seen as a conv, whose output padding
 * can make the sizes differ, is not one).
 */
@inline
export function isDirect(g: ConvGeometry): bool {
  return (
    g.KH == 1 &&
    g.KW == 1 &&
    g.strideH == 1 &&
    g.strideW == 1 &&
    g.padH == 0 &&
    g.padW == 0 &&
    g.OH == g.H &&
    g.OW == g.W
  );
}

/** v rounded up to a multiple of k. */
@inline
export function roundUp(v: i32, k: i32): i32 {
  return ((v + k - 1) / k) * k;
}

/** The range [start, end) of `count` items that thread `tid` of `threads` owns. */
@inline
export function shareStart(count: i32, tid: i32, threads: i32): i32 {
  return <i32>((<i64>count * tid) / threads);
}

/**
 * The first of thread t's band of OH output rows, [bandStart(t), bandStart(t + 1)), when threads
 * split one image's rows; with `pooling`, bands of row pairs, the last band taking an odd last row.
 */
@inline
export function bandStart(OH: i32, pooling: bool, t: i32, threads: i32): i32 {
  if (!pooling) return shareStart(OH, t, threads);
  return t == threads ? OH : 2 * shareStart(OH >> 1, t, threads);
}
