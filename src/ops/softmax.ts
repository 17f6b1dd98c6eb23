/**
 * Softmax along one axis (PyTorch's F.softmax) as an autograd op, stable for large inputs:
 *
 *   y[k] = exp(x[k] - max x) / sum_j exp(x[j] - max x)        dx = y * (dy - sum_j dy[j] y[j])
 *
 * over each fibre of x along `axis` (1 for (N,K) logits or (N,K,H,W) score maps; -1 is the last).
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { axisGeometry } from '../shape/axis.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function softmax(x: Tensor, axis: number): Tensor {
  const g = axisGeometry(x.shape, axis, 'softmax');
  const y = Tensor.empty(x.shape, x.dtype);
  getBackend().softmaxAxisForward(y.data, x.data, g);
  return record('softmax', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().softmaxAxisBackward(d, dy.data, y.data, g)),
  ]);
}
