/**
 * a + b with broadcasting (numpy rules) as an autograd op; either operand may be a number.
 *
 *   y = a + b        da = dy, summed over the axes a is broadcast along        db likewise
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { broadcastOperands } from './broadcast-operands.js';
import { gradBuffer } from './grad-buffer.js';

export function add(a: Tensor, b: Tensor | number): Tensor;
export function add(a: number, b: Tensor): Tensor;
export function add(first: Tensor | number, second: Tensor | number): Tensor {
  const { a, b, g, dtype } = broadcastOperands(first, second, 'add');
  const y = Tensor.empty(g.shape, dtype);
  getBackend().addForward(y.data, a.data, b.data, g);
  return record('add', y, [a, b], (dy) => {
    const da = gradBuffer(a);
    const db = gradBuffer(b);
    getBackend().addBackward(
      da === null ? null : da.data,
      db === null ? null : db.data,
      dy.data,
      g,
    );
    return [da, db];
  });
}
