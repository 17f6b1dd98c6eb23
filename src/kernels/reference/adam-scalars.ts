/**
 * The scalars of one Adam update (src/kernels/reference/adam-update.ts), computed once per
 * parameter in float64 by the reference and by the fast kernel's host code alike, so both
 * backends run the elementwise loop on the same numbers. Not a kernel: kept out of the table.
 */
import type { AdamUpdateOptions } from './adam-update.js';

/** The per-update scalars, computed once in float64 (the fast kernel takes them as they are). */
export interface AdamScalars {
  /** γ / (1 - β₁ᵗ) */
  stepSize: number;
  /** √(1 - β₂ᵗ) */
  biasCorrection2Sqrt: number;
  /** 1 - γλ for AdamW, 1 for Adam. */
  decay: number;
  /** λ for Adam, 0 for AdamW. */
  l2: number;
}

export function adamScalars({
  lr,
  beta1,
  beta2,
  weightDecay,
  decoupled,
  step,
}: AdamUpdateOptions): AdamScalars {
  return {
    stepSize: lr / (1 - beta1 ** step),
    biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
    decay: decoupled ? 1 - lr * weightDecay : 1,
    l2: decoupled ? 0 : weightDecay,
  };
}
