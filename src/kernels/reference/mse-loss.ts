/**
 * Squared error, reference implementation. Elementwise on any shape:
 *
 *   losses = (x - t)^2        dx = dlosses * 2 (x - t)        dt = -dx
 *
 * Both functions overwrite their outputs; a null output in the backward is skipped.
 */
import type { FloatArray } from '../../tensor.js';

export function mseLossForward(losses: FloatArray, x: FloatArray, target: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - target[i];
    losses[i] = d * d;
  }
}

export function mseLossBackward(
  dx: FloatArray | null,
  dtarget: FloatArray | null,
  dlosses: FloatArray,
  x: FloatArray,
  target: FloatArray,
): void {
  for (let i = 0; i < x.length; i++) {
    const g = 2 * dlosses[i] * (x[i] - target[i]);
    if (dx !== null) dx[i] = g;
    if (dtarget !== null) dtarget[i] = -g;
  }
}
