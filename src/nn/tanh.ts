/**
 * Tanh (PyTorch's nn.Tanh), calling the tanh op (src/ops/tanh.ts):
 *
 *   y = tanh(x)        dx = dy * (1 - y²)
 */
import { tanh } from '../ops/tanh.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Applies the hyperbolic tangent elementwise.
 *
 * Shape:
 *   input (*) -> output (*), the same shape.
 *
 * Example:
 *   new Tanh().forward(Tensor.from([0], [1])).toArray(); // [0]
 */
export class Tanh extends Layer {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }
}
