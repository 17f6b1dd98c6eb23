/**
 * Hyperbolic tangent, reference implementation. Elementwise on any shape:
 *
 *   y = tanh(x)        dx = dy * (1 - y^2)
 *
 * The backward reads the forward's output y. Both functions write their first argument.
 */
import type { FloatArray } from '../../tensor.js';

export function tanhForward(y: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]);
}

export function tanhBackward(dx: FloatArray, dy: FloatArray, y: FloatArray): void {
  for (let i = 0; i < y.length; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
}
