/**
 * Average pooling (PyTorch's F.avg_pool2d) as an autograd op.
 *
 * x:(N,C,H,W) -> y:(N,C,OH,OW), y[n,c,i,j] = (1/count) * sum over the KHxKW window, where
 * count = KH*KW (countIncludePad true, the default) or the window's real inputs (false).
 * The backward spreads each dy evenly over its window.
 */
import { record } from '../autograd.js';
import { getBackend, type AvgPoolMode } from '../kernels/backend.js';
import { pool2dGeometry, pool2dOutputShape, type Pool2dOptions } from '../shape/pool2d.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export type AvgPool2dOptions = Pool2dOptions & AvgPoolMode;

export function avgPool2d(x: Tensor, options: AvgPool2dOptions): Tensor {
  const g = pool2dGeometry(x.shape, options, 'avgPool2d');
  const mode: AvgPoolMode = { countIncludePad: options.countIncludePad ?? true };
  const y = Tensor.empty(pool2dOutputShape(g), x.dtype);
  getBackend().avgPool2dForward(y.data, x.data, g, mode);
  return record('avgPool2d', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().avgPool2dBackward(d, dy.data, g, mode)),
  ]);
}
