/**
 * SGD's update of one parameter, reference implementation, in place. Elementwise over
 * p:(n), grad:(n) and the momentum buffer b:(n) (null when μ = 0):
 *
 *   d ← g + λ p                                      (only when λ ≠ 0)
 *   b ← d                                            (the buffer's first update)
 *   b ← μ b + (1 - τ) d                              (later updates)
 *   d ← d + μ b  if nesterov,  else  d ← b           (with a buffer)
 *   p ← p - γ d
 *
 * Arithmetic is in float64 on the float32 values read, each stored value rounded to the array's
 * dtype once (b is read back rounded, as torch.optim.SGD's float32 buffer is). The optimizer
 * (src/optim/sgd.ts) owns the buffer and the step count; this kernel only applies the math.
 */
import type { FloatArray } from '../../tensor.js';

export interface SgdUpdateOptions {
  /** γ */
  lr: number;
  /** μ */
  momentum: number;
  /** τ */
  dampening: number;
  /** λ */
  weightDecay: number;
  nesterov: boolean;
  /** The buffer's first update: b ← d, its old values unread. */
  first: boolean;
}

/** Overwrites p and momentumBuffer (when not null); reads grad. */
export function sgdUpdate(
  p: FloatArray,
  momentumBuffer: FloatArray | null,
  grad: FloatArray,
  { lr, momentum, dampening, weightDecay, nesterov, first }: SgdUpdateOptions,
): void {
  const b = momentumBuffer;
  for (let i = 0; i < p.length; i++) {
    let d = grad[i];
    if (weightDecay !== 0) d += weightDecay * p[i];
    if (b !== null) {
      b[i] = first ? d : b[i] * momentum + (1 - dampening) * d;
      d = nesterov ? d + momentum * b[i] : b[i];
    }
    p[i] -= lr * d;
  }
}
