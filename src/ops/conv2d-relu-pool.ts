/**
 * relu(scale * conv2d(x, w) + b), max-pooled where pool options are given, by one fused kernel
 * (conv2dReluPoolForward, src/kernels/reference/conv2d-relu-pool.ts):
 *
 *   y = maxPool(relu(s * conv(x, w) + b))     (or without pooling; per filter f: s[f], b[f])
 *
 * A null scale is 1 (a Conv2d and its ReLU); a scale is how a batch norm in evaluation folds in
 * (src/nn/fuse.ts). The fused kernel keeps no intermediate for a backward, so when a gradient
 * would be recorded (gradients on and an input that requires one) this is the differentiable
 * ops instead: same values up to rounding, with their backward.
 */
import { isGradEnabled } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { conv2dOutputShape, type Conv2dOptions } from '../shape/conv2d.js';
import { pool2dGeometry, pool2dOutputShape, type Pool2dOptions } from '../shape/pool2d.js';
import { ShapeError } from '../shape/shape-error.js';
import { Tensor, formatShape } from '../tensor.js';
import { add } from './add.js';
import { conv2d, conv2dGeometryOf } from './conv2d.js';
import { maxPool2d } from './max-pool2d.js';
import { mul } from './mul.js';
import { relu } from './relu.js';
import { reshape } from './reshape.js';

export function conv2dReluPool(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  convOptions: Conv2dOptions,
  poolOptions: Pool2dOptions | null,
  scale: Tensor | null = null,
): Tensor {
  const g = conv2dGeometryOf(x, weight, bias, convOptions);
  if (scale !== null && (scale.rank !== 1 || scale.size !== g.F)) {
    throw new ShapeError(
      `conv2dReluPool: scale must be (F) = (${g.F}), one per filter, got shape ${formatShape(scale.shape)}`,
    );
  }
  if (isGradEnabled() && [x, weight, bias, scale].some((t) => t?.requiresGrad === true)) {
    const perFilter = (t: Tensor): Tensor => reshape(t, [g.F, 1, 1]);
    let z = conv2d(x, weight, scale === null ? bias : null, convOptions);
    if (scale !== null) z = mul(z, perFilter(scale));
    if (scale !== null && bias !== null) z = add(z, perFilter(bias));
    const y = relu(z);
    return poolOptions === null ? y : maxPool2d(y, poolOptions);
  }
  const convShape = conv2dOutputShape(g);
  const pool = poolOptions === null ? null : pool2dGeometry(convShape, poolOptions, 'maxPool2d');
  const y = Tensor.empty(pool === null ? convShape : pool2dOutputShape(pool), x.dtype);
  const b = bias === null ? null : bias.data;
  const s = scale === null ? null : scale.data;
  getBackend().conv2dReluPoolForward(y.data, x.data, weight.data, b, s, g, pool);
  return y;
}
