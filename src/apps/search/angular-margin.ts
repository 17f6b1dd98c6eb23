/**
 * ArcFace's additive angular margin (Deng et al. 2019) as an autograd op: each row's entry at
 * its label, a cosine c = cos(theta), becomes cos(theta + m); the other entries pass through.
 *
 *   y[i,j] = phi(c[i,j]) if j = label[i], else c[i,j]
 *   phi(c) = cos(acos(c) + m) = c cos m - sqrt(1 - c^2) sin m     when c > cos(pi - m)
 *          = c - m sin m                                          otherwise (insightface's
 *            fallback: past pi - m the angle would wrap round and phi stop decreasing)
 *   phi'(c) = cos m + sin m * c / sqrt(1 - c^2)   (1 in the fallback)
 *
 * c is clamped to [-1 + 1e-7, 1 - 1e-7] inside the square root so the gradient stays finite.
 * cos:(B,P) labels:(B) -> y:(B,P)
 */
import { record } from '../../autograd.js';
import type { Labels } from '../../kernels/backend.js';
import { ShapeError } from '../../shape/shape-error.js';
import { Tensor, formatShape } from '../../tensor.js';

const CLAMP = 1 - 1e-7;

/** phi(c) and phi'(c) for margin m (see the top of this file). */
function phi(c: number, m: number): [value: number, slope: number] {
  if (c <= Math.cos(Math.PI - m)) return [c - m * Math.sin(m), 1];
  const x = Math.min(CLAMP, Math.max(-CLAMP, c));
  const s = Math.sqrt(1 - x * x);
  return [c * Math.cos(m) - s * Math.sin(m), Math.cos(m) + (Math.sin(m) * x) / s];
}

/** Adds margin m (radians, in [0, pi/2]) to the angle of each row's label entry. */
export function angularMargin(cos: Tensor, labels: Labels, margin: number): Tensor {
  if (cos.rank !== 2) {
    throw new ShapeError(
      `angularMargin: cosines must be (B,P), got shape ${formatShape(cos.shape)}`,
    );
  }
  const [B, P] = cos.shape;
  if (labels.length !== B) {
    throw new ShapeError(`angularMargin: ${labels.length} labels for ${B} rows of cosines`);
  }
  if (!(margin >= 0 && margin <= Math.PI / 2)) {
    throw new RangeError(`angularMargin: margin must be in [0, pi/2] radians, got ${margin}`);
  }
  const y = Tensor.empty(cos.shape, cos.dtype);
  y.data.set(cos.data);
  const slopes = new Float64Array(B);
  const saved = Int32Array.from(labels);
  for (let i = 0; i < B; i++) {
    const label = saved[i];
    if (!(label >= 0 && label < P)) {
      throw new RangeError(`angularMargin: label ${label} of row ${i} is not in [0, ${P})`);
    }
    const [value, slope] = phi(cos.data[i * P + label], margin);
    y.data[i * P + label] = value;
    slopes[i] = slope;
  }
  return record('angularMargin', y, [cos], (dy) => {
    if (!cos.requiresGrad) return [null];
    const dx = Tensor.empty(cos.shape, cos.dtype);
    dx.data.set(dy.data);
    for (let i = 0; i < B; i++) dx.data[i * P + saved[i]] *= slopes[i];
    return [dx];
  });
}
