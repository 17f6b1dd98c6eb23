/**
 * a / b (elementwise) with broadcasting (numpy rules) as an autograd op; either operand may be a number.
 *
 *   y = a / b        da = dy / b, summed over the axes a is broadcast along
 *                    db = -dy * a / b^2, summed over the axes b is broadcast along
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { broadcastOperands } from './broadcast-operands.js';
import { gradBuffer } from './grad-buffer.js';

export function div(a: Tensor, b: Tensor | number): Tensor;
export function div(a: number, b: Tensor): Tensor;
export function div(first: Tensor | number, second: Tensor | number): Tensor {
  const { a, b, g, dtype } = broadcastOperands(first, second, 'div');
  const y = Tensor.empty(g.shape, dtype);
  getBackend().divForward(y.data, a.data, b.data, g);
  return record('div', y, [a, b], (dy) => {
    const da = gradBuffer(a);
    const db = gradBuffer(b);
    getBackend().divBackward(
      da === null ? null : da.data,
      db === null ? null : db.data,
      dy.data,
      a.data,
      b.data,
      g,
    );
    return [da, db];
  });
}
