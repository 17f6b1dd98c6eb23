/**
 * ReLU as an autograd op. Elementwise on any shape:
 *
 *   y = max(0, x)        dx = dy * [x > 0]   (0 at x = 0, as in PyTorch)
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function relu(x: Tensor): Tensor {
  const y = Tensor.empty(x.shape, x.dtype);
  getBackend().reluForward(y.data, x.data);
  return record('relu', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().reluBackward(d, dy.data, x.data)),
  ]);
}
