/**
 * Transposed 2-D convolution (PyTorch's F.conv_transpose2d) as an autograd op: the upsampling
 * convolution of decoders and segmentation heads.
 *
 * x:(N,C,H,W) w:(C,F/groups,KH,KW) b:(F) -> y:(N,F,OH,OW),
 * OH = (H-1)*stride - 2*pad + dilation*(KH-1) + outputPadding + 1 (likewise OW).
 *
 *   y[n, f, i*sH - pH + kh*dH, j*sW - pW + kw*dW] += x[n,c,i,j] * w[c,f,kh,kw]  (+ b[f])
 *
 * The backward is the conv-transpose2d kernels' backward (src/kernels/reference/conv-transpose2d.ts).
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { convTranspose2dGeometry, type ConvTranspose2dOptions } from '../shape/conv-transpose2d.js';
import { ShapeError } from '../shape/shape-error.js';
import { Tensor, formatShape } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: ConvTranspose2dOptions = {},
): Tensor {
  if (bias !== null && bias.rank !== 1) {
    throw new ShapeError(
      `convTranspose2d: bias must be 1-D (F), got shape ${formatShape(bias.shape)}`,
    );
  }
  const g = convTranspose2dGeometry(
    x.shape,
    weight.shape,
    options,
    bias === null ? null : bias.size,
  );
  const y = Tensor.empty([g.N, g.F, g.OH, g.OW], x.dtype);
  getBackend().convTranspose2dForward(
    y.data,
    x.data,
    weight.data,
    bias === null ? null : bias.data,
    g,
  );
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  return record('convTranspose2d', y, inputs, (dy) => {
    const backend = getBackend();
    const dx = gradFor(x, (d) => backend.convTranspose2dBackwardInput(d, dy.data, weight.data, g));
    const dw = gradFor(weight, (d) => backend.convTranspose2dBackwardWeight(d, dy.data, x.data, g));
    if (bias === null) return [dx, dw];
    return [dx, dw, gradFor(bias, (d) => backend.convTranspose2dBackwardBias(d, dy.data, g))];
  });
}
