/**
 * Matrix product of two 2-D tensors as an autograd op (e.g. similarity scores between two sets
 * of embeddings: matmul(a, permute(b, [1, 0]))).
 *
 * a:(M,K) b:(K,N) -> y:(M,N)        y = a b        da = dy b^T        db = a^T dy
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { matmulGeometry } from '../shape/matmul.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

/** The output is float64 if either input is. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const g = matmulGeometry(a.shape, b.shape);
  const dtype = a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32';
  const y = Tensor.empty([g.M, g.N], dtype);
  getBackend().matmulForward(y.data, a.data, b.data, g);
  return record('matmul', y, [a, b], (dy) => [
    gradFor(a, (d) => getBackend().matmulBackwardA(d, dy.data, b.data, g)),
    gradFor(b, (d) => getBackend().matmulBackwardB(d, dy.data, a.data, g)),
  ]);
}
