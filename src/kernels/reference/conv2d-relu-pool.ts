/**
 * A convolution, a per-filter scale and shift, its ReLU, and optionally a max pooling, as one
 * kernel: what a Conv2d [, BatchNorm2d], ReLU [, MaxPool2d] run of layers computes in evaluation
 * without gradients (src/nn/fuse.ts). The fast backend runs the scale, ReLU and pooling on each
 * block of the convolution's output while it is in cache; this reference is the composition of
 * the reference kernels, its spec.
 *
 *   x:(N,C,H,W) w:(F,C/groups,KH,KW) b:(F) s:(F) -> relu(s * conv(x, w) + b):(N,F,OH,OW)
 *   with pool: -> maxPool(relu(s * conv(x, w) + b)):(N,F,POH,POW)
 *
 * A null b is 0, a null s is 1 (then y is relu(conv2dForward(x, w, b)) exactly). A batch norm in
 * evaluation folds into s and b: s = gamma / sqrt(var + eps), b = beta + (bias - mean) * s.
 * `pool` is the pooling's geometry over the convolution's output (N,F,OH,OW), or null for none.
 * Overwrites y.
 */
import type { Conv2dGeometry } from '../../shape/conv2d.js';
import type { Pool2dGeometry } from '../../shape/pool2d.js';
import type { FloatArray } from '../../tensor.js';
import { conv2dForward } from './conv2d.js';
import { maxPool2dForward } from './max-pool2d.js';
import { reluForward } from './relu.js';

export function conv2dReluPoolForward(
  y: FloatArray,
  x: FloatArray,
  w: FloatArray,
  b: FloatArray | null,
  s: FloatArray | null,
  g: Conv2dGeometry,
  pool: Pool2dGeometry | null,
): void {
  const conv = pool === null ? y : new (y.constructor as Float32ArrayConstructor)(convSize(g));
  conv2dForward(conv, x, w, s === null ? b : null, g);
  if (s !== null) scaleAndShift(conv, s, b, g);
  reluForward(conv, conv);
  if (pool !== null) maxPool2dForward(y, conv, pool);
}

/** y[n,f,p] = s[f] * y[n,f,p] + b[f] over the convolution's output (N,F,OH,OW). */
function scaleAndShift(y: FloatArray, s: FloatArray, b: FloatArray | null, g: Conv2dGeometry) {
  const P = g.OH * g.OW;
  for (let n = 0; n < g.N; n++) {
    for (let f = 0; f < g.F; f++) {
      const shift = b === null ? 0 : b[f];
      for (let i = (n * g.F + f) * P, end = i + P; i < end; i++) y[i] = s[f] * y[i] + shift;
    }
  }
}

function convSize(g: Conv2dGeometry): number {
  return g.N * g.F * g.OH * g.OW;
}
