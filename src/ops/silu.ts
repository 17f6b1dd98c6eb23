/**
 * SiLU (PyTorch's F.silu, also called swish) as an autograd op. Elementwise on any shape, with
 * s = sigmoid(x):
 *
 *   y = x * s        dx = dy * s * (1 + x * (1 - s))
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function silu(x: Tensor): Tensor {
  const y = Tensor.zeros(x.shape, x.dtype);
  getBackend().siluForward(y.data, x.data);
  return record('silu', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().siluBackward(d, dy.data, x.data)),
  ]);
}
