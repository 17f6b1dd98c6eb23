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
import { ShapeError, pool2dGeometry } from '../shape.js';
import { Tensor, formatShape } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function globalAvgPool2d(x: Tensor): Tensor {
  if (x.rank !== 4) {
    throw new ShapeError(
      `globalAvgPool2d: input must have 4 dimensions (N,C,H,W), got shape ${formatShape(x.shape)}`,
    );
  }
  const [, , H, W] = x.shape;
  const g = pool2dGeometry(x.shape, { kernelSize: [H, W] }, 'globalAvgPool2d');
  const y = Tensor.zeros([g.N, g.C, 1, 1], x.dtype);
  getBackend().avgPool2dForward(y.data, x.data, g);
  return record('globalAvgPool2d', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().avgPool2dBackward(d, dy.data, g)),
  ]);
}
