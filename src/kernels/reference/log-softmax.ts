/**
 * Log-softmax along one axis, reference implementation. x is seen as (outer, K, inner) around
 * the axis (g.size = K):
 *
 *   y[k]  = x[k] - logsumexp_j x[j],  logsumexp = m + log(sum_j exp(x[j] - m)),  m = max_j x[j]
 *   dx[k] = dy[k] - exp(y[k]) * sum_j dy[j]
 *
 * Stable for logits of any size (no exp overflows). The backward reads the forward's output y.
 * Both functions write their first argument.
 */
import type { AxisGeometry } from '../../shape/axis.js';
import type { FloatArray } from '../../tensor.js';

export function logSoftmaxForward(y: FloatArray, x: FloatArray, g: AxisGeometry): void {
  const { outer, size: K, inner } = g;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * K * inner + i;
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, x[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(x[base + k * inner] - m);
      const lse = m + Math.log(sum);
      for (let k = 0; k < K; k++) y[base + k * inner] = x[base + k * inner] - lse;
    }
  }
}

export function logSoftmaxBackward(
  dx: FloatArray,
  dy: FloatArray,
  y: FloatArray,
  g: AxisGeometry,
): void {
  const { outer, size: K, inner } = g;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * K * inner + i;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += dy[base + k * inner];
      for (let k = 0; k < K; k++) {
        const at = base + k * inner;
        dx[at] = dy[at] - Math.exp(y[at]) * sum;
      }
    }
  }
}
