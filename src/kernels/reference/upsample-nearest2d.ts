/**
 * Nearest-neighbour upsampling (PyTorch's interpolate mode 'nearest'), reference implementation.
 *
 * x:(N,C,H,W) -> y:(N,C,OH,OW), each output pixel a copy of one input pixel:
 *
 *   y[n,c,i,j] = x[n,c, src(i, scaleH, H), src(j, scaleW, W)]
 *   src(i, scale, size) = min(floor(i * scale), size - 1)
 *
 * with scale = input pixels per output pixel (from the geometry). PyTorch computes i * scale
 * in float32 whatever the tensor's dtype; so does src, so that both pick the same pixel when
 * i * scale lands next to an integer. The backward pass sums each input pixel's copies:
 *
 *   dx[n,c,h,w] = sum over (i,j) with src(i) = h, src(j) = w of dy[n,c,i,j]
 *
 * Both functions write (overwrite) their first argument.
 */
import { nearestSourceIndex } from '../../shape/upsample-taps.js';
import type { Upsample2dGeometry } from '../../shape/upsample2d.js';
import type { FloatArray } from '../../tensor.js';

export function upsampleNearest2dForward(
  y: FloatArray,
  x: FloatArray,
  g: Upsample2dGeometry,
): void {
  const { N, C, H, W, OH, OW, scaleH, scaleW } = g;
  for (let nc = 0; nc < N * C; nc++) {
    for (let i = 0; i < OH; i++) {
      const h = nearestSourceIndex(i, scaleH, H);
      for (let j = 0; j < OW; j++) {
        y[(nc * OH + i) * OW + j] = x[(nc * H + h) * W + nearestSourceIndex(j, scaleW, W)];
      }
    }
  }
}

export function upsampleNearest2dBackward(
  dx: FloatArray,
  dy: FloatArray,
  g: Upsample2dGeometry,
): void {
  const { N, C, H, W, OH, OW, scaleH, scaleW } = g;
  dx.fill(0);
  for (let nc = 0; nc < N * C; nc++) {
    for (let i = 0; i < OH; i++) {
      const h = nearestSourceIndex(i, scaleH, H);
      for (let j = 0; j < OW; j++) {
        dx[(nc * H + h) * W + nearestSourceIndex(j, scaleW, W)] += dy[(nc * OH + i) * OW + j];
      }
    }
  }
}
