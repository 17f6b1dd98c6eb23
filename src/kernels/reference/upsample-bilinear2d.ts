/**
 * Bilinear upsampling (PyTorch's interpolate mode 'bilinear'), reference implementation.
 *
 * x:(N,C,H,W) -> y:(N,C,OH,OW). Output row i samples the input at the real coordinate
 *
 *   alignCorners false (the default):  src = max(scaleH * (i + 0.5) - 0.5, 0)
 *   alignCorners true:                 src = i * (H - 1) / (OH - 1)   (0 when OH = 1)
 *
 * (pixel centres line up, or the corner pixels do), and likewise for columns. With
 * h0 = floor(src), h1 = min(h0 + 1, H - 1), lh = src - h0 (and w0, w1, lw for columns):
 *
 *   y[n,c,i,j] = (1-lh)(1-lw) x[h0,w0] + (1-lh) lw x[h0,w1] + lh (1-lw) x[h1,w0] + lh lw x[h1,w1]
 *
 * The backward pass sends dy[n,c,i,j] back to the same four pixels with the same weights.
 * Both functions write (overwrite) their first argument.
 */
import { bilinearTaps } from '../../shape/upsample-taps.js';
import type { Upsample2dGeometry } from '../../shape/upsample2d.js';
import type { FloatArray } from '../../tensor.js';

export interface UpsampleBilinearMode {
  /** Align the corner pixels' centres instead of the image edges; default false (PyTorch's). */
  alignCorners?: boolean;
}

export function upsampleBilinear2dForward(
  y: FloatArray,
  x: FloatArray,
  g: Upsample2dGeometry,
  { alignCorners = false }: UpsampleBilinearMode = {},
): void {
  const { N, C, H, W, OH, OW } = g;
  const rows = bilinearTaps(H, OH, g.scaleH, alignCorners);
  const cols = bilinearTaps(W, OW, g.scaleW, alignCorners);
  for (let nc = 0; nc < N * C; nc++) {
    for (let i = 0; i < OH; i++) {
      const r0 = (nc * H + rows.first[i]) * W;
      const r1 = (nc * H + rows.second[i]) * W;
      const lh = rows.weight[i];
      for (let j = 0; j < OW; j++) {
        const c0 = cols.first[j];
        const c1 = cols.second[j];
        const lw = cols.weight[j];
        y[(nc * OH + i) * OW + j] =
          (1 - lh) * ((1 - lw) * x[r0 + c0] + lw * x[r0 + c1]) +
          lh * ((1 - lw) * x[r1 + c0] + lw * x[r1 + c1]);
      }
    }
  }
}

export function upsampleBilinear2dBackward(
  dx: FloatArray,
  dy: FloatArray,
  g: Upsample2dGeometry,
  { alignCorners = false }: UpsampleBilinearMode = {},
): void {
  const { N, C, H, W, OH, OW } = g;
  const rows = bilinearTaps(H, OH, g.scaleH, alignCorners);
  const cols = bilinearTaps(W, OW, g.scaleW, alignCorners);
  dx.fill(0);
  for (let nc = 0; nc < N * C; nc++) {
    for (let i = 0; i < OH; i++) {
      const r0 = (nc * H + rows.first[i]) * W;
      const r1 = (nc * H + rows.second[i]) * W;
      const lh = rows.weight[i];
      for (let j = 0; j < OW; j++) {
        const c0 = cols.first[j];
        const c1 = cols.second[j];
        const lw = cols.weight[j];
        const d = dy[(nc * OH + i) * OW + j];
        dx[r0 + c0] += (1 - lh) * (1 - lw) * d;
        dx[r0 + c1] += (1 - lh) * lw * d;
        dx[r1 + c0] += lh * (1 - lw) * d;
        dx[r1 + c1] += lh * lw * d;
      }
    }
  }
}
