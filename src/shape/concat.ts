/**
 * Geometry of a concatenation along one axis: every input is seen as (outer, sizes[i], inner),
 * the output as (outer, total, inner) with total = sum of sizes.
 */
import { axisGeometry, normalizeAxis } from './axis.js';
import { ShapeError } from './shape-error.js';
import { formatShape, type Shape } from './shape.js';

export interface ConcatGeometry {
  outer: number;
  inner: number;
  sizes: number[];
  total: number;
  shape: number[];
}

export function concatGeometry(
  shapes: readonly Shape[],
  axis: number,
  op = 'concat',
): ConcatGeometry {
  if (shapes.length === 0) throw new ShapeError(`${op}: needs at least one tensor`);
  const first = shapes[0];
  const a = normalizeAxis(axis, first.length, op);
  for (let i = 1; i < shapes.length; i++) {
    const s = shapes[i];
    if (s.length !== first.length || s.some((d, k) => k !== a && d !== first[k])) {
      const expected = first.map((d, k) => (k === a ? '*' : `${d}`)).join(',');
      throw new ShapeError(
        `${op}: input ${i} has shape ${formatShape(s)}, expected (${expected}) to match input 0 on every axis but ${a}`,
      );
    }
  }
  const { outer, inner } = axisGeometry(first, a, op);
  const sizes = shapes.map((s) => s[a]);
  const total = sizes.reduce((p, d) => p + d, 0);
  return { outer, inner, sizes, total, shape: first.map((d, k) => (k === a ? total : d)) };
}
