/**
 * Max pooling (PyTorch's F.max_pool2d) as an autograd op.
 *
 * x:(N,C,H,W) -> y:(N,C,OH,OW), y[n,c,i,j] = max over the KHxKW window at (i*sH - pH, j*sW - pW);
 * padding never wins. The backward routes each dy to its window's argmax (the first on ties).
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { pool2dGeometry, pool2dOutputShape, type Pool2dOptions } from '../shape/pool2d.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = pool2dGeometry(x.shape, options, 'maxPool2d');
  const y = Tensor.empty(pool2dOutputShape(g), x.dtype);
  getBackend().maxPool2dForward(y.data, x.data, g);
  return record('maxPool2d', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().maxPool2dBackward(d, dy.data, x.data, g)),
  ]);
}
