/**
 * LeakyReLU (PyTorch's nn.LeakyReLU), calling the leakyRelu op (src/ops/leaky-relu.ts):
 *
 *   y = x > 0 ? x : negativeSlope * x
 */
import { leakyRelu } from '../ops/leaky-relu.js';
import type { Shape, Tensor } from '../tensor.js';
import { checkFinite } from './check-args.js';
import { Layer } from './module.js';

/**
 * Applies the leaky rectifier elementwise.
 *
 * Args:
 *   negativeSlope: the slope for x < 0; default 0.01, as in PyTorch.
 *
 * Shape:
 *   input (*) -> output (*), the same shape.
 *
 * Example:
 *   new LeakyReLU(0.1).forward(Tensor.from([-1, 2], [2])).toArray(); // [-0.1, 2] (in float32)
 */
export class LeakyReLU extends Layer {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = checkFinite(negativeSlope, 'negativeSlope', 'LeakyReLU');
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  protected override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}
