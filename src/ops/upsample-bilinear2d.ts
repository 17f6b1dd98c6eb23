/**
 * Bilinear upsampling (PyTorch's F.interpolate, mode 'bilinear') as an autograd op.
 *
 * x:(N,C,H,W) -> y:(N,C,OH,OW), from size = (OH,OW) or OH = floor(H * scaleFactor). Output
 * pixel (i,j) interpolates the four input pixels around the source point
 *
 *   alignCorners false (default): src = max(scaleH*(i + 0.5) - 0.5, 0)
 *   alignCorners true:            src = i*(H-1)/(OH-1)
 *
 * (likewise for columns). The backward sends dy back to the same four pixels, same weights.
 */
import { record } from '../autograd.js';
import { getBackend, type UpsampleBilinearMode } from '../kernels/backend.js';
import {
  upsample2dGeometry,
  upsample2dOutputShape,
  type Upsample2dOptions,
} from '../shape/upsample2d.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export type UpsampleBilinear2dOptions = Upsample2dOptions & UpsampleBilinearMode;

export function upsampleBilinear2d(x: Tensor, options: UpsampleBilinear2dOptions): Tensor {
  const g = upsample2dGeometry(x.shape, options, 'upsampleBilinear2d');
  const mode: UpsampleBilinearMode = { alignCorners: options.alignCorners ?? false };
  const y = Tensor.empty(upsample2dOutputShape(g), x.dtype);
  getBackend().upsampleBilinear2dForward(y.data, x.data, g, mode);
  return record('upsampleBilinear2d', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().upsampleBilinear2dBackward(d, dy.data, g, mode)),
  ]);
}
