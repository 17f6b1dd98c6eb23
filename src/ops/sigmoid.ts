/**
 * Logistic sigmoid as an autograd op. Elementwise on any shape:
 *
 *   y = 1 / (1 + exp(-x))        dx = dy * y * (1 - y)
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function sigmoid(x: Tensor): Tensor {
  const y = Tensor.empty(x.shape, x.dtype);
  getBackend().sigmoidForward(y.data, x.data);
  return record('sigmoid', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().sigmoidBackward(d, dy.data, y.data)),
  ]);
}
