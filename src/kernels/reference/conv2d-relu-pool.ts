/**
 * A convolution, its ReLU, and optionally a max pooling, as one kernel: what a Conv2d, ReLU
 * [, MaxPool2d] run of layers computes in evaluation without gradients (src/nn/fuse.ts). The
 * fast backend runs the ReLU and pooling on each block of the convolution's output while it is
 * in cache; this reference is the composition of the three reference kernels, its spec.
 *
 *   x:(N,C,H,W) w:(F,C/groups,KH,KW) b:(F) -> relu(conv(x, w) + b):(N,F,OH,OW)
 *   with pool: -> maxPool(relu(conv(x, w) + b)):(N,F,POH,POW)
 *
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
  g: Conv2dGeometry,
  pool: Pool2dGeometry | null,
): void {
  const conv = pool === null ? y : new (y.constructor as Float32ArrayConstructor)(convSize(g));
  conv2dForward(conv, x, w, b, g);
  reluForward(conv, conv);
  if (pool !== null) maxPool2dForward(y, conv, pool);
}

function convSize(g: Conv2dGeometry): number {
  return g.N * g.F * g.OH * g.OW;
}
