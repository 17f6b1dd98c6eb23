/**
 * Reshape and flatten as autograd ops. Both are views: the output shares x's data (it is
 * contiguous and row-major), and the backward is the same view taken back:
 *
 *   y = x viewed as `shape`        dx = dy viewed as x.shape
 */
import { record } from '../autograd.js';
import { flattenShape } from '../shape/reshape.js';
import { Tensor, type Shape } from '../tensor.js';

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
  return reshape(x, flattenShape(x.shape, startDim, endDim));
}
