/** Geometry of a matrix product. a:(M,K) b:(K,N) -> y:(M,N). */
import { ShapeError } from './shape-error.js';
import { formatShape, type Shape } from './shape.js';

/** Here N is a matrix's column count, not the batch size. */
export interface MatmulGeometry {
  M: number;
  K: number;
  N: number;
}

export function matmulGeometry(aShape: Shape, bShape: Shape): MatmulGeometry {
  const op = 'matmul';
  if (aShape.length !== 2 || bShape.length !== 2) {
    throw new ShapeError(
      `${op}: needs two matrices, got shapes ${formatShape(aShape)} and ${formatShape(bShape)}`,
    );
  }
  const [M, K] = aShape;
  const [KB, N] = bShape;
  if (K !== KB) {
    throw new ShapeError(
      `${op}: cannot multiply ${formatShape(aShape)} by ${formatShape(bShape)}: inner sizes ${K} and ${KB} differ`,
    );
  }
  return { M, K, N };
}
