/**
 * GELU (PyTorch's nn.GELU, approximate='none'), calling the gelu op (src/ops/gelu.ts):
 *
 *   y = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))        dx = dy * (Phi(x) + x * phi(x))
 */
import { gelu } from '../ops/gelu.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Applies the Gaussian error linear unit elementwise: each input weighted by the probability
 * that a standard normal variable is below it.
 *
 * Shape:
 *   input (*) -> output (*), the same shape.
 *
 * Example:
 *   new GELU().forward(Tensor.from([0, 1], [2])).toArray(); // [0, 0.8413...]
 */
export class GELU extends Layer {
  forward(x: Tensor): Tensor {
    return gelu(x);
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }
}
