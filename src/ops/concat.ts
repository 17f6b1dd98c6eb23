/**
 * Concatenation (PyTorch's torch.cat) as an autograd op; by default along axis 1, the channels
 * of (N,C,H,W) feature maps (U-Net skip connections, feature pyramids).
 *
 * xs[t]:(..., C_t, ...) -> y:(..., C_0 + C_1 + ..., ...); all other axes must match.
 * The backward hands each input its slice of dy.
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { concatGeometry } from '../shape/concat.js';
import { Tensor } from '../tensor.js';
import { gradBuffer } from './grad-buffer.js';

/** The output is float64 if any input is (as PyTorch promotes), float32 otherwise. */
export function concat(xs: readonly Tensor[], axis = 1): Tensor {
  const g = concatGeometry(
    xs.map((x) => x.shape),
    axis,
  );
  const dtype = xs.some((x) => x.dtype === 'float64') ? 'float64' : 'float32';
  const y = Tensor.empty(g.shape, dtype);
  getBackend().concatForward(
    y.data,
    xs.map((x) => x.data),
    g,
  );
  return record('concat', y, [...xs], (dy) => {
    const dxs = xs.map((x) => gradBuffer(x));
    getBackend().concatBackward(
      dxs.map((d) => (d === null ? null : d.data)),
      dy.data,
      g,
    );
    return dxs;
  });
}
