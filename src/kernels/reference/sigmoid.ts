/**
 * Logistic sigmoid, reference implementation. Elementwise on any shape:
 *
 *   y = 1 / (1 + exp(-x))        dx = dy * y * (1 - y)
 *
 * For x < 0 it is computed as exp(x) / (1 + exp(x)), so that exp never overflows. The backward
 * reads the forward's output y. Both functions write their first argument.
 */
import type { FloatArray } from '../../tensor.js';
import { logistic } from './scalar-math.js';

export function sigmoidForward(y: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] = logistic(x[i]);
}

export function sigmoidBackward(dx: FloatArray, dy: FloatArray, y: FloatArray): void {
  for (let i = 0; i < y.length; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
}
