/** Geometry of the softmax cross-entropy kernel. logits:(N,K) labels:(N). */
import { requireRank, ShapeError } from './shape-error.js';
import type { Shape } from './shape.js';

/** logits:(N,K) labels:(N) */
export interface ClassificationGeometry {
  N: number;
  K: number;
}

/** Geometry of a classification loss. logits:(N,K) labels:(N). */
export function classificationGeometry(
  logitsShape: Shape,
  labelCount: number,
): ClassificationGeometry {
  const op = 'softmaxCrossEntropy';
  requireRank(logitsShape, 2, 'logits', op, '(N,K)');
  const [N, K] = logitsShape;
  if (labelCount !== N) {
    throw new ShapeError(`${op}: ${labelCount} labels for a batch of ${N} logit rows`);
  }
  return { N, K };
}
