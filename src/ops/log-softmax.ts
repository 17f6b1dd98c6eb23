/**
 * Log-softmax along one axis (PyTorch's F.log_softmax) as an autograd op, stable for any input:
 *
 *   y[k] = x[k] - logsumexp_j x[j]        dx = dy - exp(y) * sum_j dy[j]
 *
 * over each fibre of x along `axis` (-1 is the last).
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { axisGeometry } from '../shape/axis.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function logSoftmax(x: Tensor, axis: number): Tensor {
  const g = axisGeometry(x.shape, axis, 'logSoftmax');
  const y = Tensor.empty(x.shape, x.dtype);
  getBackend().logSoftmaxForward(y.data, x.data, g);
  return record('logSoftmax', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().logSoftmaxBackward(d, dy.data, y.data, g)),
  ]);
}
