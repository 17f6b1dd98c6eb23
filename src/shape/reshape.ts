/** Flatten's output shape, shared by the flatten op and the Flatten layer. */
import { normalizeAxis } from './axis.js';
import { ShapeError } from './shape-error.js';
import { formatShape, type Shape } from './shape.js';

/** shape with axes startDim..endDim (negative from the end) merged into one. */
export function flattenShape(shape: Shape, startDim: number, endDim: number): number[] {
  const op = 'flatten';
  const rank = shape.length;
  if (rank === 0) throw new ShapeError(`${op}: a 0-dimensional tensor has no axes to merge`);
  const start = normalizeAxis(startDim, rank, op);
  const end = normalizeAxis(endDim, rank, op);
  if (start > end) {
    throw new ShapeError(
      `${op}: startDim ${startDim} comes after endDim ${endDim} for shape ${formatShape(shape)}`,
    );
  }
  // Axes outside [start, end] are kept; those inside are multiplied into one, in end's place.
  const merged: number[] = [];
  let size = 1;
  for (let i = 0; i < rank; i++) {
    if (i < start || i > end) merged.push(shape[i]);
    else if (i < end) size *= shape[i];
    else merged.push(size * shape[i]);
  }
  return merged;
}
