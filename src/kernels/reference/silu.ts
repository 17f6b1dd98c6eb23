/**
 * SiLU, the sigmoid linear unit (also called swish), reference implementation. Elementwise on
 * any shape, with s = sigmoid(x) = 1 / (1 + exp(-x)):
 *
 *   y = x * s        dx = dy * s * (1 + x * (1 - s))
 *
 * s is computed without overflow (logistic, in sigmoid.ts). Both functions write their first
 * argument.
 */
import type { FloatArray } from '../../tensor.js';
import { logistic } from './scalar-math.js';

export function siluForward(y: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] * logistic(x[i]);
}

export function siluBackward(dx: FloatArray, dy: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const s = logistic(x[i]);
    dx[i] = dy[i] * s * (1 + x[i] * (1 - s));
  }
}
