/**
 * Max pooling, reference implementation.
 *
 * x:(N,C,H,W) -> y:(N,C,OH,OW), each output the maximum of its KHxKW window:
 *
 *   y[n,c,i,j] = max_{kh,kw} x[n, c, i*sH - pH + kh, j*sW - pW + kw]
 *
 * Padding is -infinity: it never wins. The backward pass routes each dy[n,c,i,j] to the single
 * position that won the window's maximum, and only there. Ties go to the first maximum in
 * row-major window order, as PyTorch does. A NaN in a window wins it (the maximum is NaN), so
 * bad values propagate instead of disappearing.
 *
 * The winner is found by comparing x within the window, never by comparing x with dy: the
 * tutorial's `mask = (x == dout)` picks whatever input happens to equal the incoming gradient.
 *
 * Both functions write (overwrite) their first argument.
 */
import type { Pool2dGeometry } from '../../shape/pool2d.js';
import type { FloatArray } from '../../tensor.js';

/**
 * The flat index into x of the maximum of window (n, c, i, j); the first one on ties.
 * Pool geometry guarantees every window holds at least one real input.
 */
function maxPool2dArgmax(
  x: FloatArray,
  g: Pool2dGeometry,
  n: number,
  c: number,
  i: number,
  j: number,
): number {
  const { C, H, W, KH, KW, strideH, strideW, padH, padW } = g;
  let best = -1;
  let bestValue = -Infinity;
  for (let kh = 0; kh < KH; kh++) {
    const h = i * strideH - padH + kh;
    if (h < 0 || h >= H) continue;
    for (let kw = 0; kw < KW; kw++) {
      const v = j * strideW - padW + kw;
      if (v < 0 || v >= W) continue;
      const index = ((n * C + c) * H + h) * W + v;
      const value = x[index];
      if (best === -1 || value > bestValue || (Number.isNaN(value) && !Number.isNaN(bestValue))) {
        best = index;
        bestValue = value;
      }
    }
  }
  return best;
}

/** y:(N,C,OH,OW) = max over each window of x:(N,C,H,W). */
export function maxPool2dForward(y: FloatArray, x: FloatArray, g: Pool2dGeometry): void {
  const { N, C, OH, OW } = g;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          y[((n * C + c) * OH + i) * OW + j] = x[maxPool2dArgmax(x, g, n, c, i, j)];
        }
      }
    }
  }
}

/** dx:(N,C,H,W): each dy[n,c,i,j] added at the argmax of its window in x; zero elsewhere. */
export function maxPool2dBackward(
  dx: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  g: Pool2dGeometry,
): void {
  const { N, C, OH, OW } = g;
  dx.fill(0);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          // += because overlapping windows (stride < kernel) can share a winner.
          dx[maxPool2dArgmax(x, g, n, c, i, j)] += dy[((n * C + c) * OH + i) * OW + j];
        }
      }
    }
  }
}
