/**
 * relu(conv2d(x, w, b)), max-pooled where pool options are given, by one fused kernel
 * (conv2dReluPoolForward, src/kernels/reference/conv2d-relu-pool.ts):
 *
 *   y = maxPool(relu(conv(x, w) + b))     (or relu(conv(x, w) + b) without pooling)
 *
 * The fused kernel keeps no intermediate for a backward, so when a gradient would be recorded
 * (gradients on and an input that requires one) this is the three differentiable ops instead:
 * same values, with their backward.
 */
import { isGradEnabled } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { conv2dOutputShape, type Conv2dOptions } from '../shape/conv2d.js';
import { pool2dGeometry, pool2dOutputShape, type Pool2dOptions } from '../shape/pool2d.js';
import { Tensor } from '../tensor.js';
import { conv2d, conv2dGeometryOf } from './conv2d.js';
import { maxPool2d } from './max-pool2d.js';
import { relu } from './relu.js';

export function conv2dReluPool(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  convOptions: Conv2dOptions,
  poolOptions: Pool2dOptions | null,
): Tensor {
  if (isGradEnabled() && [x, weight, bias].some((t) => t?.requiresGrad === true)) {
    const y = relu(conv2d(x, weight, bias, convOptions));
    return poolOptions === null ? y : maxPool2d(y, poolOptions);
  }
  const g = conv2dGeometryOf(x, weight, bias, convOptions);
  const convShape = conv2dOutputShape(g);
  const pool = poolOptions === null ? null : pool2dGeometry(convShape, poolOptions, 'maxPool2d');
  const y = Tensor.empty(pool === null ? convShape : pool2dOutputShape(pool), x.dtype);
  const b = bias === null ? null : bias.data;
  getBackend().conv2dReluPoolForward(y.data, x.data, weight.data, b, g, pool);
  return y;
}
