/**
 * ReLU: the rectified linear unit (PyTorch's nn.ReLU), calling the relu op (src/ops/relu.ts):
 *
 *   y = max(0, x)        dx = dy * [x > 0]
 */
import { relu } from '../ops/relu.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Applies max(0, x) elementwise.
 *
 * Shape:
 *   input (*) -> output (*), the same shape.
 *
 * Example:
 *   new ReLU().forward(Tensor.from([-1, 2], [2])).toArray(); // [0, 2]
 */
export class ReLU extends Layer {
  forward(x: Tensor): Tensor {
    return relu(x);
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }
}
