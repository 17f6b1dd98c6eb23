/**
 * a - b with broadcasting (numpy rules) as an autograd op; either operand may be a number.
 *
 *   y = a - b        da = dy, summed over the axes a is broadcast along        db = -dy, likewise
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { broadcastOperands } from './broadcast-operands.js';
import { gradBuffer } from './grad-buffer.js';

export function sub(a: Tensor, b: Tensor | number): Tensor;
export function sub(a: number, b: Tensor): Tensor;
export function sub(first: Tensor | number, second: Tensor | number): Tensor {
  const { a, b, g, dtype } = broadcastOperands(first, second, 'sub');
  const y = Tensor.empty(g.shape, dtype);
  getBackend().subForward(y.data, a.data, b.data, g);
  return record('sub', y, [a, b], (dy) => {
    const da = gradBuffer(a);
    const db = gradBuffer(b);
    getBackend().subBackward(
      da === null ? null : da.data,
      db === null ? null : db.data,
      dy.data,
      g,
    );
    return [da, db];
  });
}
