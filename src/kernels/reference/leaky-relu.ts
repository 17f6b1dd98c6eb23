/**
 * Leaky ReLU, reference implementation. Elementwise on any shape, with slope a for x <= 0:
 *
 *   y = x > 0 ? x : a*x        dx = dy * (x > 0 ? 1 : a)
 *
 * At x = 0 the gradient is taken as a (as in PyTorch). Both functions write their first argument.
 */
import type { FloatArray } from '../../tensor.js';

export function leakyReluForward(y: FloatArray, x: FloatArray, negativeSlope: number): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : negativeSlope * x[i];
}

export function leakyReluBackward(
  dx: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  negativeSlope: number,
): void {
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : negativeSlope * dy[i];
}
