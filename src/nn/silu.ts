/**
 * SiLU (PyTorch's nn.SiLU, also called swish), calling the silu op (src/ops/silu.ts):
 *
 *   y = x * sigmoid(x)        dx = dy * s * (1 + x * (1 - s)),  s = sigmoid(x)
 */
import { silu } from '../ops/silu.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Applies the sigmoid linear unit elementwise: each input gated by its own sigmoid.
 *
 * Shape:
 *   input (*) -> output (*), the same shape.
 *
 * Example:
 *   new SiLU().forward(Tensor.from([0, 1], [2])).toArray(); // [0, 0.7310...]
 */
export class SiLU extends Layer {
  forward(x: Tensor): Tensor {
    return silu(x);
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }
}
