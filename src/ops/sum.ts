/**
 * Sum over all axes or some (PyTorch's torch.sum) as an autograd op.
 *
 * x:(d0,d1,...) -> y: the reduced axes removed (or kept with size 1 when keepDim)
 *
 *   y = sum of x over the reduced axes        dx = dy repeated along them
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { reduceGeometry, type ReduceGeometry } from '../shape/reduce.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

/** The output shape: the kept shape, or with the reduced axes dropped. */
export function reducedShape(g: ReduceGeometry, keepDim: boolean): number[] {
  return keepDim ? g.keptShape : g.keptShape.filter((_, i) => !g.axes.includes(i));
}

/** axes null (the default) sums everything into a 0-dimensional tensor. */
export function sum(
  x: Tensor,
  axes: number | readonly number[] | null = null,
  keepDim = false,
): Tensor {
  const g = reduceGeometry(x.shape, axes, 'sum');
  const y = Tensor.empty(reducedShape(g, keepDim), x.dtype);
  getBackend().sumForward(y.data, x.data, g);
  return record('sum', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().sumBackward(d, dy.data, g)),
  ]);
}
