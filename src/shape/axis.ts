/** One axis of a tensor: softmax, log-softmax, normalisation and concat work along one. */
import { ShapeError } from './shape-error.js';
import type { Shape } from './shape.js';

/** A tensor seen as (outer, size, inner) around one axis. */
export interface AxisGeometry {
  outer: number;
  size: number;
  inner: number;
}

/** The axis as a non-negative index; -1 is the last. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(
      `${op}: axis ${axis} is out of range for a tensor of rank ${rank} (valid: ${-rank} to ${rank - 1})`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** shape seen as (product of the dims before axis, shape[axis], product of the dims after). */
export function axisGeometry(shape: Shape, axis: number, op: string): AxisGeometry {
  const a = normalizeAxis(axis, shape.length, op);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, size: shape[a], inner };
}
