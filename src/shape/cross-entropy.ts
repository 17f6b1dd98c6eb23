/**
 * Cross-entropy geometry: classes on axis 1, logits (N,K) with labels (N), or per-position
 * logits (N,K,d1,d2,...) with labels (N,d1,d2,...).
 */
import { ShapeError } from './shape-error.js';
import { formatShape, type Shape } from './shape.js';

/** S = d1*d2*... positions per sample (1 for plain classification). */
export interface CrossEntropyGeometry {
  N: number;
  K: number;
  S: number;
}

export function crossEntropyGeometry(
  logitsShape: Shape,
  labelCount: number,
  weightLength: number | null = null,
  op = 'crossEntropy',
): CrossEntropyGeometry {
  if (logitsShape.length < 2) {
    throw new ShapeError(
      `${op}: logits must be (N,K) or (N,K,d1,...), got shape ${formatShape(logitsShape)}`,
    );
  }
  const [N, K] = logitsShape;
  const positions = logitsShape.slice(2);
  const S = positions.reduce((p, d) => p * d, 1);
  if (labelCount !== N * S) {
    const expected = [N, ...positions];
    throw new ShapeError(
      `${op}: ${labelCount} labels for logits ${formatShape(logitsShape)}; expected ${N * S}, one per entry of ${formatShape(expected)}`,
    );
  }
  if (weightLength !== null && weightLength !== K) {
    throw new ShapeError(`${op}: class weights have ${weightLength} entries for ${K} classes`);
  }
  return { N, K, S };
}
