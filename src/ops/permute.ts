/**
 * Axis permutation (PyTorch's Tensor.permute) as an autograd op. The output is a contiguous
 * copy (tensors here are always contiguous).
 *
 * x:(d0,...,dr) -> y:(d[axes[0]], ..., d[axes[r]])        dx = dy permuted back
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { permuteGeometry } from '../shape/permute.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

/** y's axis k is x's axis axes[k]; e.g. permute(x, [0, 2, 3, 1]) is NCHW -> NHWC. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  const g = permuteGeometry(x.shape, axes, 'permute');
  const y = Tensor.empty(g.outShape, x.dtype);
  getBackend().permuteForward(y.data, x.data, g);
  return record('permute', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().permuteBackward(d, dy.data, g)),
  ]);
}
