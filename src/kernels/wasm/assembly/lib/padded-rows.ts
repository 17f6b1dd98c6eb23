/**
 * Rows copied with zero padding, as the convolutions unroll or band their inputs (im2col.ts,
 * direct-band.ts, the Winograd kernels' strips). A row is a few dozen floats, so it is written
 * by vector loads and stores: memory.fill and memory.copy would cost a call each (three a row in
 * the weight gradient's strips before, 3% of a seed-net training step). paddedRun is inlined into
 * its callers for the same reason: a call per row was 1.2-2.5% of a fashion-net training step.
 */

/** dst[j] = src[j] for j0 <= j < j1 and 0 for the other j < n (src is only read in [j0, j1)). */
@inline
export function paddedRun(dst: usize, n: i32, src: usize, j0: i32, j1: i32): void {
  let j = 0;
  for (; j + 4 <= j0; j += 4) v128.store(dst + <usize>j * 4, f32x4.splat(0));
  for (; j < j0; j++) store<f32>(dst + <usize>j * 4, 0);
  for (; j + 4 <= j1; j += 4) v128.store(dst + <usize>j * 4, v128.load(src + <usize>j * 4));
  for (; j < j1; j++) store<f32>(dst + <usize>j * 4, load<f32>(src + <usize>j * 4));
  for (; j + 4 <= n; j += 4) v128.store(dst + <usize>j * 4, f32x4.splat(0));
  for (; j < n; j++) store<f32>(dst + <usize>j * 4, 0);
}

/**
 * A strip of rows of planes, as the Winograd kernels read their tiles (winograd.ts,
 * winograd-weight-grad.ts):
 *
 *   strip[c][r][j] = src[c][h0 + r][j + w0]   where that is inside the H x W plane, else 0
 *
 * for c < planes, r < rows, j < width; plane c's rows start `planeRows` rows apart in the strip
 * (planeRows >= rows).
 */
export function copyPaddedRows(
  strip: usize,
  planeRows: i32,
  width: i32,
  src: usize,
  planes: i32,
  H: i32,
  W: i32,
  h0: i32,
  rows: i32,
  w0: i32,
): void {
  const j0 = min(width, max(0, -w0));
  const j1 = max(j0, min(width, W - w0));
  for (let c = 0; c < planes; c++) {
    for (let r = 0; r < rows; r++) {
      const dst = strip + <usize>((c * planeRows + r) * width) * 4;
      const h = h0 + r;
      const inside = h >= 0 && h < H;
      // Shifted by w0 so that the run's j reads column j + w0 (only [j0, j1) is read).
      const from = src + <usize>((c * H + h) * W + w0) * 4;
      paddedRun(dst, width, from, inside ? j0 : 0, inside ? j1 : 0);
    }
  }
}
