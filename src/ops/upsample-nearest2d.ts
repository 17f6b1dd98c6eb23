/**
 * Nearest-neighbour upsampling (PyTorch's F.interpolate, mode 'nearest') as an autograd op.
 *
 * x:(N,C,H,W) -> y:(N,C,OH,OW), from size = (OH,OW) or OH = floor(H * scaleFactor):
 *
 *   y[n,c,i,j] = x[n,c, min(floor(i*scaleH), H-1), min(floor(j*scaleW), W-1)]
 *
 * scaleH = 1/scaleFactor, or H/OH when a size is given. The backward sums each pixel's copies.
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import {
  upsample2dGeometry,
  upsample2dOutputShape,
  type Upsample2dOptions,
} from '../shape/upsample2d.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export function upsampleNearest2d(x: Tensor, options: Upsample2dOptions): Tensor {
  const g = upsample2dGeometry(x.shape, options, 'upsampleNearest2d');
  const y = Tensor.empty(upsample2dOutputShape(g), x.dtype);
  getBackend().upsampleNearest2dForward(y.data, x.data, g);
  return record('upsampleNearest2d', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().upsampleNearest2dBackward(d, dy.data, g)),
  ]);
}
