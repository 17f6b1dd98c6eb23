/**
 * L2 normalisation along one axis (PyTorch's F.normalize with p = 2) as an autograd op: unit
 * embeddings for similarity search, where the dot product of two is their cosine similarity.
 *
 *   y = x / max(||x||, eps)   over each fibre along `axis`
 *   dx = (dy - y * sum(dy * y)) / ||x||   (dy / eps where ||x|| < eps)
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { axisGeometry } from '../shape/axis.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export interface L2NormalizeOptions {
  /** The axis whose fibres get unit length; default 1, as in PyTorch. */
  axis?: number;
  /** Lower bound on the norm, against division by zero; default 1e-12, as in PyTorch. */
  eps?: number;
}

export function l2Normalize(x: Tensor, { axis = 1, eps = 1e-12 }: L2NormalizeOptions = {}): Tensor {
  if (!(eps > 0)) throw new RangeError(`l2Normalize: eps must be positive, got ${eps}`);
  const g = axisGeometry(x.shape, axis, 'l2Normalize');
  const y = Tensor.empty(x.shape, x.dtype);
  getBackend().l2NormalizeForward(y.data, x.data, eps, g);
  return record('l2Normalize', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().l2NormalizeBackward(d, dy.data, x.data, eps, g)),
  ]);
}
