/**
 * Hyperbolic tangent as an autograd op. Elementwise on any shape:
 *
 *   y = tanh(x)        dx = dy * (1 - y^2)
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function tanh(x: Tensor): Tensor {
  const y = Tensor.empty(x.shape, x.dtype);
  getBackend().tanhForward(y.data, x.data);
  return record('tanh', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().tanhBackward(d, dy.data, y.data)),
  ]);
}
