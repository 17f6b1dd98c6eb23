/**
 * L2 normalisation along one axis (PyTorch's F.normalize with p = 2), reference implementation.
 * x is seen as (outer, K, inner) around the axis (g.size = K); each fibre v of length K becomes
 *
 *   y = v / max(||v||, eps)
 *   dx = (dy - y * sum_k dy[k] * y[k]) / ||v||     when ||v|| >= eps
 *   dx = dy / eps                                   otherwise (the clamp is constant there)
 *
 * Both functions write their first argument.
 */
import type { AxisGeometry } from '../../shape/axis.js';
import type { FloatArray } from '../../tensor.js';

function fibreNorm(x: FloatArray, base: number, g: AxisGeometry): number {
  let squares = 0;
  for (let k = 0; k < g.size; k++) squares += x[base + k * g.inner] ** 2;
  return Math.sqrt(squares);
}

export function l2NormalizeForward(
  y: FloatArray,
  x: FloatArray,
  eps: number,
  g: AxisGeometry,
): void {
  const { outer, size: K, inner } = g;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * K * inner + i;
      const denominator = Math.max(fibreNorm(x, base, g), eps);
      for (let k = 0; k < K; k++) y[base + k * inner] = x[base + k * inner] / denominator;
    }
  }
}

export function l2NormalizeBackward(
  dx: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  eps: number,
  g: AxisGeometry,
): void {
  const { outer, size: K, inner } = g;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * K * inner + i;
      const norm = fibreNorm(x, base, g);
      if (norm < eps) {
        for (let k = 0; k < K; k++) dx[base + k * inner] = dy[base + k * inner] / eps;
        continue;
      }
      let dot = 0;
      for (let k = 0; k < K; k++) dot += (dy[base + k * inner] * x[base + k * inner]) / norm;
      for (let k = 0; k < K; k++) {
        const at = base + k * inner;
        dx[at] = (dy[at] - (x[at] / norm) * dot) / norm;
      }
    }
  }
}
