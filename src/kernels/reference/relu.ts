/**
 * ReLU, reference implementation. Elementwise on any shape:
 *
 *   y = max(0, x)        dx = dy * [x > 0]
 *
 * At x = 0 the gradient is taken as 0, and NaN propagates forward (both as in PyTorch). Both functions write their first
 * argument; y may alias x (in place).
 */
import type { FloatArray } from '../../tensor.js';

export function reluForward(y: FloatArray, x: FloatArray): void {
  // NaN passes through (as in PyTorch), so a bad value is not silently turned into 0.
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 || Number.isNaN(x[i]) ? x[i] : 0;
}

export function reluBackward(dx: FloatArray, dy: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
}
