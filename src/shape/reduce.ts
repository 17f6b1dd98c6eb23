/** Geometry of a sum or mean over some axes of x. */
import { normalizeAxis } from './axis.js';
import { ShapeError } from './shape-error.js';
import { stridesOf, type Shape } from './shape.js';

/**
 * keptShape is x's shape with the reduced axes set to 1; outStrides (one per axis of x, 0 on
 * reduced axes) map an index of x to the flat index of the output element it is reduced into;
 * count is how many elements of x each output gathers.
 */
export interface ReduceGeometry {
  shape: number[];
  size: number;
  keptShape: number[];
  outSize: number;
  outStrides: number[];
  count: number;
  /** The reduced axes, ascending, non-negative. */
  axes: number[];
}

/** axes null: every axis (the result holds one element). */
export function reduceGeometry(
  xShape: Shape,
  axes: number | readonly number[] | null,
  op: string,
): ReduceGeometry {
  const rank = xShape.length;
  const list = axes === null ? xShape.map((_, i) => i) : typeof axes === 'number' ? [axes] : axes;
  const reduced = new Set<number>();
  for (const axis of list) {
    const a = normalizeAxis(axis, rank, op);
    if (reduced.has(a)) throw new ShapeError(`${op}: axis ${axis} is given twice`);
    reduced.add(a);
  }
  const keptShape = xShape.map((d, i) => (reduced.has(i) ? 1 : d));
  const kept = stridesOf(keptShape);
  let size = 1;
  let outSize = 1;
  for (let i = 0; i < rank; i++) {
    size *= xShape[i];
    outSize *= keptShape[i];
  }
  return {
    shape: [...xShape],
    size,
    keptShape,
    outSize,
    outStrides: kept.map((s, i) => (reduced.has(i) ? 0 : s)),
    count: outSize === 0 ? 0 : size / outSize,
    axes: [...reduced].sort((p, q) => p - q),
  };
}
