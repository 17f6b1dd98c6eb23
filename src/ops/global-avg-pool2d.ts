/**
 * Global average pooling (PyTorch's AdaptiveAvgPool2d(1)) as an autograd op: the mean of each
 * channel's whole feature map, as one average-pooling window the size of the input.
 *
 * x:(N,C,H,W) -> y:(N,C,1,1), y[n,c,0,0] = (1/(H*W)) sum_{h,w} x[n,c,h,w]; dx = dy / (H*W).
 *
 * Flatten the result for a classifier head: flatten(globalAvgPool2d(x)) is (N,C).
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { globalAvgPool2dGeometry } from '../shape/pool2d.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function globalAvgPool2d(x: Tensor): Tensor {
  const g = globalAvgPool2dGeometry(x.shape);
  const y = Tensor.empty([g.N, g.C, 1, 1], x.dtype);
  getBackend().avgPool2dForward(y.data, x.data, g);
  return record('globalAvgPool2d', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().avgPool2dBackward(d, dy.data, g)),
  ]);
}
