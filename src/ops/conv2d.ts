/**
 * 2-D convolution (PyTorch's F.conv2d) as an autograd op.
 *
 * x:(N,C,H,W) w:(F,C/groups,KH,KW) b:(F) -> y:(N,F,OH,OW),
 * OH = floor((H + 2*pad - dilation*(KH-1) - 1) / stride) + 1 (likewise OW).
 *
 *   y[n,f,i,j] = b[f] + sum_{c,kh,kw} x[n, c', i*sH - pH + kh*dH, j*sW - pW + kw*dW] * w[f,c,kh,kw]
 *
 * The backward is the conv2d kernels' backward: dx, dw, db from one conv2dBackward call
 * (src/kernels/reference/conv2d.ts).
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import {
  conv2dGeometry,
  conv2dOutputShape,
  type Conv2dGeometry,
  type Conv2dOptions,
} from '../shape/conv2d.js';
import { ShapeError } from '../shape/shape-error.js';
import { Tensor, formatShape } from '../tensor.js';
import { gradBuffer } from './grad-buffer.js';

/** The geometry of conv2d(x, weight, bias, options), after checking that the bias is 1-D. */
export function conv2dGeometryOf(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: Conv2dOptions,
): Conv2dGeometry {
  if (bias !== null && bias.rank !== 1) {
    throw new ShapeError(`conv2d: bias must be 1-D (F), got shape ${formatShape(bias.shape)}`);
  }
  return conv2dGeometry(x.shape, weight.shape, options, bias === null ? null : bias.size);
}

export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: Conv2dOptions = {},
): Tensor {
  const g = conv2dGeometryOf(x, weight, bias, options);
  const y = Tensor.empty(conv2dOutputShape(g), x.dtype);
  getBackend().conv2dForward(y.data, x.data, weight.data, bias === null ? null : bias.data, g);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  return record('conv2d', y, inputs, (dy) => {
    const dx = gradBuffer(x);
    const dw = gradBuffer(weight);
    const db = bias === null ? null : gradBuffer(bias);
    getBackend().conv2dBackward(
      dx?.data ?? null,
      dw?.data ?? null,
      db?.data ?? null,
      dy.data,
      x.data,
      weight.data,
      g,
    );
    return bias === null ? [dx, dw] : [dx, dw, db];
  });
}
