/**
 * Fully connected layer (PyTorch's F.linear) as an autograd op. Weights are (OUT,IN).
 *
 * x:(..., IN) w:(OUT,IN) b:(OUT) -> y:(..., OUT), the leading axes treated as one batch axis N:
 *
 *   y = x w^T + b        dx = dy w        dw = dy^T x        db = sum over the batch of dy
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { linearGeometry, linearInput } from '../shape/linear.js';
import { ShapeError } from '../shape/shape-error.js';
import { Tensor, formatShape } from '../tensor.js';
import { gradBuffer } from './grad-buffer.js';

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (bias !== null && bias.rank !== 1) {
    throw new ShapeError(`linear: bias must be 1-D (OUT), got shape ${formatShape(bias.shape)}`);
  }
  const { lead, N, IN } = linearInput(x.shape);
  const g = linearGeometry([N, IN], weight.shape, bias === null ? null : bias.size);
  const y = Tensor.empty([...lead, g.OUT], x.dtype);
  getBackend().linearForward(y.data, x.data, weight.data, bias === null ? null : bias.data, g);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  return record('linear', y, inputs, (dy) => {
    const dx = gradBuffer(x);
    const dw = gradBuffer(weight);
    const db = bias === null ? null : gradBuffer(bias);
    getBackend().linearBackward(
      dx?.data ?? null,
      dw?.data ?? null,
      db?.data ?? null,
      dy.data,
      x.data,
      weight.data,
      g,
    );
    return bias === null ? [dx, dw] : [dx, dw, db];
  });
}
