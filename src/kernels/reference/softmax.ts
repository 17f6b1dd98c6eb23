/**
 * Softmax along one axis, reference implementation. x is seen as (outer, K, inner) around the
 * axis (g.size = K); each of the outer*inner fibres of length K is normalised on its own:
 *
 *   y[k] = exp(x[k] - m) / sum_j exp(x[j] - m),  m = max_j x[j]  (the shift keeps exp finite)
 *   dx[k] = y[k] * (dy[k] - sum_j dy[j] * y[j])
 *
 * The backward reads the forward's output y. Both functions write their first argument.
 */
import type { AxisGeometry } from '../../shape/axis.js';
import type { FloatArray } from '../../tensor.js';

export function softmaxAxisForward(y: FloatArray, x: FloatArray, g: AxisGeometry): void {
  const { outer, size: K, inner } = g;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * K * inner + i;
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, x[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(x[base + k * inner] - m);
        y[base + k * inner] = e;
        sum += e;
      }
      for (let k = 0; k < K; k++) y[base + k * inner] /= sum;
    }
  }
}

export function softmaxAxisBackward(
  dx: FloatArray,
  dy: FloatArray,
  y: FloatArray,
  g: AxisGeometry,
): void {
  const { outer, size: K, inner } = g;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * K * inner + i;
      let dot = 0;
      for (let k = 0; k < K; k++) dot += dy[base + k * inner] * y[base + k * inner];
      for (let k = 0; k < K; k++) {
        const at = base + k * inner;
        dx[at] = y[at] * (dy[at] - dot);
      }
    }
  }
}
