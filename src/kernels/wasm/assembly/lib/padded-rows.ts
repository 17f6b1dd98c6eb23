/**
 * Rows of planes copied into a zero-padded strip, as the Winograd kernels read their tiles
 * (winograd.ts, winograd-weight-grad.ts):
 *
 *   strip[c][r][j] = src[c][h0 + r][j + w0]   where that is inside the H x W plane, else 0
 *
 * for c < planes, r < rows, j < width; plane c's rows start `planeRows` rows apart in the strip
 * (planeRows >= rows). width is a multiple of 4. A row is a few dozen floats, so it is written by
 * vector stores: memory.fill and memory.copy would cost a call each (3% of a seed-net training
 * step when the weight gradient's strips used them).
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
      for (let j = 0; j < width; j += 4) v128.store(dst + <usize>j * 4, f32x4.splat(0));
      const h = h0 + r;
      if (h < 0 || h >= H) continue;
      const from = src + <usize>((c * H + h) * W + j0 + w0) * 4;
      const to = dst + <usize>j0 * 4;
      let j = 0;
      for (; j + 4 <= j1 - j0; j += 4)
        v128.store(to + <usize>j * 4, v128.load(from + <usize>j * 4));
      for (; j < j1 - j0; j++) store<f32>(to + <usize>j * 4, load<f32>(from + <usize>j * 4));
    }
  }
}
