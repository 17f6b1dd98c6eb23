/**
 * Smooth L1 (Huber-like) loss, reference implementation. Elementwise on any shape, with
 * d = x - t and threshold beta >= 0:
 *
 *   losses = |d| < beta ? 0.5 * d^2 / beta : |d| - 0.5 * beta
 *   dx     = dlosses * (|d| < beta ? d / beta : sign(d))        dt = -dx
 *
 * beta = 0 is the L1 loss (gradient sign(d), 0 at d = 0), as in PyTorch. Both functions
 * overwrite their outputs; a null output in the backward is skipped.
 */
import type { FloatArray } from '../../tensor.js';

export function smoothL1LossForward(
  losses: FloatArray,
  x: FloatArray,
  target: FloatArray,
  beta: number,
): void {
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - target[i];
    const a = Math.abs(d);
    losses[i] = a < beta ? (0.5 * d * d) / beta : a - 0.5 * beta;
  }
}

export function smoothL1LossBackward(
  dx: FloatArray | null,
  dtarget: FloatArray | null,
  dlosses: FloatArray,
  x: FloatArray,
  target: FloatArray,
  beta: number,
): void {
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - target[i];
    const g = dlosses[i] * (Math.abs(d) < beta ? d / beta : Math.sign(d));
    if (dx !== null) dx[i] = g;
    if (dtarget !== null) dtarget[i] = -g;
  }
}
