/**
 * Two operands broadcast against each other (numpy rules): shapes are aligned at their last
 * axis, and along each axis the sizes must be equal or one of them 1 (a missing axis counts as
 * 1).
 */
import { ShapeError } from './shape-error.js';
import { formatShape, stridesOf, type Shape } from './shape.js';

/**
 * aStrides and bStrides have the output's rank and are 0 along axes an operand is repeated
 * on, so out index (i0, i1, ...) reads a at sum_k i_k * aStrides[k].
 */
export interface BroadcastGeometry {
  shape: number[];
  size: number;
  aStrides: number[];
  bStrides: number[];
}

/** Strides of `shape` inside an output of shape `out`, 0 where the operand is broadcast. */
function broadcastStrides(shape: Shape, out: Shape): number[] {
  const own = stridesOf(shape);
  const offset = out.length - shape.length;
  return out.map((d, k) => (k < offset || shape[k - offset] !== d ? 0 : own[k - offset]));
}

export function broadcastGeometry(aShape: Shape, bShape: Shape, op: string): BroadcastGeometry {
  const rank = Math.max(aShape.length, bShape.length);
  const shape = new Array<number>(rank);
  for (let k = 0; k < rank; k++) {
    const a = aShape[aShape.length - rank + k] ?? 1;
    const b = bShape[bShape.length - rank + k] ?? 1;
    if (a !== b && a !== 1 && b !== 1) {
      throw new ShapeError(
        `${op}: cannot broadcast ${formatShape(aShape)} with ${formatShape(bShape)}`,
      );
    }
    shape[k] = a === 1 ? b : a;
  }
  let size = 1;
  for (const d of shape) size *= d;
  return {
    shape,
    size,
    aStrides: broadcastStrides(aShape, shape),
    bStrides: broadcastStrides(bShape, shape),
  };
}
