/**
 * The index of the largest value along one axis (torch.argmax with dim), reference
 * implementation. x is seen as (outer, K, inner) around the axis (g.size = K); each fibre v of
 * length K gives
 *
 *   indices[o * inner + i] = the first k with v[k] = max(v)
 *
 * where a NaN counts as -Infinity (as in top-k search): it never wins over a number, and a fibre
 * of NaN only gives 0. Overwrites indices. Not differentiable: a selection, not a function with
 * a gradient (a segmenter's classes per pixel, a classifier's prediction).
 */
import type { AxisGeometry } from '../../shape/axis.js';
import type { FloatArray } from '../../tensor.js';

export function argmaxForward(indices: Int32Array, x: FloatArray, g: AxisGeometry): void {
  const { outer, size: K, inner } = g;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * K * inner + i;
      let best = -Infinity;
      let at = 0;
      for (let k = 0; k < K; k++) {
        const value = x[base + k * inner];
        if (value > best) {
          best = value;
          at = k;
        }
      }
      indices[o * inner + i] = at;
    }
  }
}
