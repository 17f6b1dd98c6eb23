/**
 * The operands of add, sub, mul and div: tensors or plain numbers (a number becomes a constant
 * 0-dimensional tensor), their broadcast geometry (numpy rules) and the result's dtype
 * (float64 if either tensor is, as PyTorch promotes).
 */
import { broadcastGeometry, type BroadcastGeometry } from '../shape/broadcast.js';
import { Tensor, type DType } from '../tensor.js';

export interface BroadcastOperands {
  a: Tensor;
  b: Tensor;
  g: BroadcastGeometry;
  dtype: DType;
}

export function broadcastOperands(
  a: Tensor | number,
  b: Tensor | number,
  op: string,
): BroadcastOperands {
  if (typeof a === 'number' && typeof b === 'number') {
    throw new TypeError(`${op}: at least one operand must be a Tensor, got two numbers`);
  }
  const dtype: DType =
    (a instanceof Tensor && a.dtype === 'float64') || (b instanceof Tensor && b.dtype === 'float64')
      ? 'float64'
      : 'float32';
  const ta = typeof a === 'number' ? Tensor.scalar(a, dtype) : a;
  const tb = typeof b === 'number' ? Tensor.scalar(b, dtype) : b;
  return { a: ta, b: tb, g: broadcastGeometry(ta.shape, tb.shape, op), dtype };
}
