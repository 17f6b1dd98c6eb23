/**
 * Sigmoid (PyTorch's nn.Sigmoid), calling the sigmoid op (src/ops/sigmoid.ts):
 *
 *   y = 1 / (1 + exp(-x))        dx = dy * y * (1 - y)
 */
import { sigmoid } from '../ops/sigmoid.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Applies the logistic function elementwise.
 *
 * Shape:
 *   input (*) -> output (*), the same shape.
 *
 * Example:
 *   new Sigmoid().forward(Tensor.from([0], [1])).toArray(); // [0.5]
 */
export class Sigmoid extends Layer {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }
}
