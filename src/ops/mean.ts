/**
 * Mean over all axes or some (PyTorch's torch.mean) as an autograd op.
 *
 * x:(d0,d1,...) -> y: the reduced axes removed (or kept with size 1 when keepDim)
 *
 *   y = (1/count) * sum of x over the reduced axes        dx = dy / count, repeated along them
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { reduceGeometry } from '../shape/reduce.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';
import { reducedShape } from './sum.js';

/** axes null (the default) averages everything into a 0-dimensional tensor. */
export function mean(
  x: Tensor,
  axes: number | readonly number[] | null = null,
  keepDim = false,
): Tensor {
  const g = reduceGeometry(x.shape, axes, 'mean');
  const y = Tensor.empty(reducedShape(g, keepDim), x.dtype);
  getBackend().meanForward(y.data, x.data, g);
  return record('mean', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().meanBackward(d, dy.data, g)),
  ]);
}
