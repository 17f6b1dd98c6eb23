/**
 * GELU (PyTorch's F.gelu with approximate='none') as an autograd op. Elementwise on any shape,
 * with Phi the standard normal CDF and phi its density:
 *
 *   y = x * Phi(x)        dx = dy * (Phi(x) + x * phi(x))
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function gelu(x: Tensor): Tensor {
  const y = Tensor.zeros(x.shape, x.dtype);
  getBackend().geluForward(y.data, x.data);
  return record('gelu', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().geluBackward(d, dy.data, x.data)),
  ]);
}
