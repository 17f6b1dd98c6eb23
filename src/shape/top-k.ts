/** Geometry of exact top-k search. queries:(Q,D) gallery:(N,D) -> scores:(Q,k) indices:(Q,k). */
import { ShapeError } from './shape-error.js';
import { formatShape, type Shape } from './shape.js';

export interface TopKGeometry {
  Q: number;
  N: number;
  D: number;
  k: number;
}

export function topKGeometry(queryShape: Shape, galleryShape: Shape, k: number): TopKGeometry {
  const op = 'topK';
  if (queryShape.length !== 2 || galleryShape.length !== 2) {
    throw new ShapeError(
      `${op}: queries and gallery must be matrices (Q,D) and (N,D), got shapes ${formatShape(queryShape)} and ${formatShape(galleryShape)}`,
    );
  }
  const [Q, D] = queryShape;
  const [N, DG] = galleryShape;
  if (D !== DG) {
    throw new ShapeError(
      `${op}: queries ${formatShape(queryShape)} and gallery ${formatShape(galleryShape)} have vectors of different sizes (${D} and ${DG})`,
    );
  }
  if (!Number.isSafeInteger(k) || k < 1 || k > N) {
    throw new ShapeError(`${op}: k must be an integer in [1, ${N}] (the gallery's size), got ${k}`);
  }
  return { Q, N, D, k };
}
