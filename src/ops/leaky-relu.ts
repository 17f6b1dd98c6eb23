/**
 * Leaky ReLU (PyTorch's F.leaky_relu) as an autograd op. Elementwise on any shape:
 *
 *   y = x > 0 ? x : negativeSlope * x        dx = dy * (x > 0 ? 1 : negativeSlope)
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

/** negativeSlope defaults to 0.01, as in PyTorch. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (!Number.isFinite(negativeSlope)) {
    throw new RangeError(`leakyRelu: negativeSlope must be a finite number, got ${negativeSlope}`);
  }
  const y = Tensor.empty(x.shape, x.dtype);
  getBackend().leakyReluForward(y.data, x.data, negativeSlope);
  return record('leakyRelu', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().leakyReluBackward(d, dy.data, x.data, negativeSlope)),
  ]);
}
