/**
 * Reshape and flatten as autograd ops. Both are views: the output shares x's data (it is
 * contiguous and row-major), and the backward is the same view taken back:
 *
 *   y = x viewed as `shape`        dx = dy viewed as x.shape
 */
import { record } from '../autograd.js';
import { ShapeError, normalizeAxis } from '../shape.js';
import { Tensor, formatShape, type Shape } from '../tensor.js';

/** x with a new shape of the same size; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const y = x.detach().reshape(shape);
  return record('reshape', y, [x], (dy) => [new Tensor(dy.data, x.shape)]);
}

/**
 * Merges axes startDim..endDim into one. The defaults (1, -1) turn (N,C,H,W) into (N,C*H*W),
 * as PyTorch's nn.Flatten does (torch.flatten's own default startDim is 0).
 */
export function flatten(x: Tensor, startDim = 1, endDim = -1): Tensor {
  if (x.rank === 0) throw new ShapeError('flatten: a 0-dimensional tensor has no axes to merge');
  const start = normalizeAxis(startDim, x.rank, 'flatten');
  const end = normalizeAxis(endDim, x.rank, 'flatten');
  if (start > end) {
    throw new ShapeError(
      `flatten: startDim ${startDim} comes after endDim ${endDim} for shape ${formatShape(x.shape)}`,
    );
  }
  const merged = x.shape.slice(start, end + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}
