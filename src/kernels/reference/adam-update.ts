/**
 * Adam's update of one parameter (Adam and AdamW), reference implementation, in place.
 * Elementwise over p:(n), grad:(n), the moments m:(n), v:(n) and AMSGrad's running maximum
 * vmax:(n) (null without AMSGrad), at the parameter's step t >= 1:
 *
 *   g ← g + λ p                                      (Adam's L2 term, when λ ≠ 0)
 *   p ← p (1 - γλ)                                   (AdamW's decoupled decay instead)
 *   m ← β₁ m + (1 - β₁) g
 *   v ← β₂ v + (1 - β₂) g²
 *   v̂ ← max(vmax, v), stored in vmax                 (AMSGrad)   else  v̂ ← v
 *   p ← p - (γ / (1 - β₁ᵗ)) · m / (√v̂ / √(1 - β₂ᵗ) + ε)
 *
 * as torch.optim.Adam arranges it. Arithmetic is in float64 on the values read, each stored
 * value rounded to the array's dtype once and read back rounded (m, v and p are float32 in a
 * float32 model, as in PyTorch). The optimizer (src/optim/adam.ts) owns the buffers and t.
 */
import type { FloatArray } from '../../tensor.js';
import { adamScalars } from './adam-scalars.js';

export interface AdamUpdateOptions {
  /** γ */
  lr: number;
  /** β₁ */
  beta1: number;
  /** β₂ */
  beta2: number;
  /** ε */
  eps: number;
  /** λ */
  weightDecay: number;
  /** true: AdamW's p ← p (1 - γλ); false: Adam's g ← g + λ p. */
  decoupled: boolean;
  /** t: this update's step, counted from 1. */
  step: number;
}

/** Overwrites p, m, v and vmax (when not null); reads grad. */
export function adamUpdate(
  p: FloatArray,
  m: FloatArray,
  v: FloatArray,
  vmax: FloatArray | null,
  grad: FloatArray,
  options: AdamUpdateOptions,
): void {
  const { beta1, beta2, eps, decoupled } = options;
  const { stepSize, biasCorrection2Sqrt, decay, l2 } = adamScalars(options);
  for (let i = 0; i < p.length; i++) {
    let g = grad[i];
    if (l2 !== 0) g += l2 * p[i];
    if (decoupled) p[i] *= decay;
    m[i] = m[i] * beta1 + (1 - beta1) * g;
    v[i] = v[i] * beta2 + (1 - beta2) * g * g;
    let vHat = v[i];
    if (vmax !== null) {
      vmax[i] = Math.max(vmax[i], v[i]);
      vHat = vmax[i];
    }
    const denom = Math.sqrt(vHat) / biasCorrection2Sqrt + eps;
    p[i] -= stepSize * (m[i] / denom);
  }
}
