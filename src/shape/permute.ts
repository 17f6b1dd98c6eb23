/** Geometry of a permutation of axes: y's axis k is x's axis axes[k]. */
import { normalizeAxis } from './axis.js';
import { ShapeError } from './shape-error.js';
import { formatShape, stridesOf, type Shape } from './shape.js';

/**
 * xStrides[k] is x's stride along the axis that becomes y's axis k, so y index (i0, i1, ...)
 * reads x at sum_k i_k * xStrides[k].
 */
export interface PermuteGeometry {
  shape: number[];
  outShape: number[];
  size: number;
  xStrides: number[];
}

export function permuteGeometry(
  xShape: Shape,
  axes: readonly number[],
  op = 'permute',
): PermuteGeometry {
  const rank = xShape.length;
  if (axes.length !== rank) {
    throw new ShapeError(
      `${op}: ${axes.length} axes [${axes.join(',')}] for a tensor of shape ${formatShape(xShape)}; give all ${rank}`,
    );
  }
  const order = axes.map((a) => normalizeAxis(a, rank, op));
  if (new Set(order).size !== rank) {
    throw new ShapeError(`${op}: axes [${axes.join(',')}] are not a permutation of 0..${rank - 1}`);
  }
  const strides = stridesOf(xShape);
  return {
    shape: [...xShape],
    outShape: order.map((a) => xShape[a]),
    size: xShape.reduce((p, d) => p * d, 1),
    xStrides: order.map((a) => strides[a]),
  };
}
