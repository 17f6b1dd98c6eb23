/**
 * Binary cross-entropy on logits, reference implementation. Elementwise on any shape, x the
 * logits, t the targets in [0,1], pw the weight of positive examples (1 without pos_weight):
 *
 *   losses = -(pw * t * log sigmoid(x) + (1 - t) * log(1 - sigmoid(x)))
 *          = (1 - t) * x + (1 + (pw - 1) * t) * softplus(-x)
 *   softplus(-x) = log(1 + exp(-x)) = max(-x, 0) + log1p(exp(-|x|))     (never overflows)
 *
 *   dx = dlosses * ((1 - t) - (1 + (pw - 1) * t) * sigmoid(-x))
 *   dt = dlosses * (-x + (pw - 1) * softplus(-x))
 *
 * posWeight, when given, has one entry per element (the caller broadcasts it). Both functions
 * overwrite their outputs; a null output in the backward is skipped.
 */
import type { FloatArray } from '../../tensor.js';
import { logistic } from './scalar-math.js';

function softplusOfNegative(x: number): number {
  return Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export function binaryCrossEntropyWithLogitsForward(
  losses: FloatArray,
  x: FloatArray,
  target: FloatArray,
  posWeight: FloatArray | null,
): void {
  for (let i = 0; i < x.length; i++) {
    const t = target[i];
    const pw = posWeight === null ? 1 : posWeight[i];
    losses[i] = (1 - t) * x[i] + (1 + (pw - 1) * t) * softplusOfNegative(x[i]);
  }
}

export function binaryCrossEntropyWithLogitsBackward(
  dx: FloatArray | null,
  dtarget: FloatArray | null,
  dlosses: FloatArray,
  x: FloatArray,
  target: FloatArray,
  posWeight: FloatArray | null,
): void {
  for (let i = 0; i < x.length; i++) {
    const t = target[i];
    const pw = posWeight === null ? 1 : posWeight[i];
    if (dx !== null) dx[i] = dlosses[i] * (1 - t - (1 + (pw - 1) * t) * logistic(-x[i]));
    if (dtarget !== null) dtarget[i] = dlosses[i] * (-x[i] + (pw - 1) * softplusOfNegative(x[i]));
  }
}
