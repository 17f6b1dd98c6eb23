/**
 * Average pooling, reference implementation.
 *
 * x:(N,C,H,W) -> y:(N,C,OH,OW):
 *
 *   y[n,c,i,j] = (1/count) * sum_{kh,kw} x[n, c, i*sH - pH + kh, j*sW - pW + kw]
 *
 * Padding contributes zeros to the sum. `count` is the divisor:
 *   - countIncludePad = true (the default, as in PyTorch): KH*KW, padding counted;
 *   - countIncludePad = false: only the window's positions inside the input.
 * The backward pass spreads each dy[n,c,i,j] evenly: dx[window] += dy[n,c,i,j] / count.
 *
 * Both functions write (overwrite) their first argument.
 */
import type { Pool2dGeometry } from '../../shape/pool2d.js';
import type { FloatArray } from '../../tensor.js';

export interface AvgPoolMode {
  /** Divide by the full window size, padding included (true, default) or by the real inputs only. */
  countIncludePad?: boolean;
}

/** The divisor for window (i, j). */
function windowCount(g: Pool2dGeometry, i: number, j: number, countIncludePad: boolean): number {
  if (countIncludePad) return g.KH * g.KW;
  const h0 = i * g.strideH - g.padH;
  const w0 = j * g.strideW - g.padW;
  const rows = Math.min(h0 + g.KH, g.H) - Math.max(h0, 0);
  const cols = Math.min(w0 + g.KW, g.W) - Math.max(w0, 0);
  return rows * cols;
}

/** y:(N,C,OH,OW) = mean over each window of x:(N,C,H,W). */
export function avgPool2dForward(
  y: FloatArray,
  x: FloatArray,
  g: Pool2dGeometry,
  { countIncludePad = true }: AvgPoolMode = {},
): void {
  const { N, C, H, W, KH, KW, OH, OW, strideH, strideW, padH, padW } = g;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          let sum = 0;
          for (let kh = 0; kh < KH; kh++) {
            const h = i * strideH - padH + kh;
            if (h < 0 || h >= H) continue;
            for (let kw = 0; kw < KW; kw++) {
              const v = j * strideW - padW + kw;
              if (v < 0 || v >= W) continue;
              sum += x[((n * C + c) * H + h) * W + v];
            }
          }
          y[((n * C + c) * OH + i) * OW + j] = sum / windowCount(g, i, j, countIncludePad);
        }
      }
    }
  }
}

/** dx:(N,C,H,W): dx[window] += dy[n,c,i,j] / count. */
export function avgPool2dBackward(
  dx: FloatArray,
  dy: FloatArray,
  g: Pool2dGeometry,
  { countIncludePad = true }: AvgPoolMode = {},
): void {
  const { N, C, H, W, KH, KW, OH, OW, strideH, strideW, padH, padW } = g;
  dx.fill(0);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          const share = dy[((n * C + c) * OH + i) * OW + j] / windowCount(g, i, j, countIncludePad);
          for (let kh = 0; kh < KH; kh++) {
            const h = i * strideH - padH + kh;
            if (h < 0 || h >= H) continue;
            for (let kw = 0; kw < KW; kw++) {
              const v = j * strideW - padW + kw;
              if (v < 0 || v >= W) continue;
              dx[((n * C + c) * H + h) * W + v] += share;
            }
          }
        }
      }
    }
  }
}
