/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, with exactly
 * torch.optim.AdamW's semantics. The parameter shrinks towards zero by γλ of itself before the
 * Adam update, instead of λθ being added to the gradient (where Adam's normalisation would
 * rescale it):
 *
 * ```
 * input: γ (lr), β₁, β₂ (betas), ε (eps), λ (weight decay), amsgrad
 * init:  m₀ ← 0, v₀ ← 0, v₀^max ← 0
 * for t = 1, 2, ...
 *   g_t ← ∇θ f_t(θ_{t-1})
 *   θ_t ← θ_{t-1} (1 - γλ)                        (decoupled weight decay)
 *   m_t ← β₁ m_{t-1} + (1 - β₁) g_t
 *   v_t ← β₂ v_{t-1} + (1 - β₂) g_t²
 *   if amsgrad:  v_t^max ← max(v_{t-1}^max, v_t);  v̂_t ← v_t^max
 *   else:        v̂_t ← v_t
 *   θ_t ← θ_t - (γ / (1 - β₁^t)) · m_t / (√v̂_t / √(1 - β₂^t) + ε)
 * ```
 *
 * Everything else (per-parameter step counts, buffers, the state dict) is Adam's; see adam.ts.
 * The default weight decay is 1e-2, as in PyTorch.
 *
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
import type { ParamsInput } from './optimizer.js';
import { AdamBase, type AdamOptions } from './adam.js';

export class AdamW extends AdamBase {
  constructor(
    params: ParamsInput<AdamOptions>,
    {
      lr = 1e-3,
      betas = [0.9, 0.999],
      eps = 1e-8,
      weightDecay = 1e-2,
      amsgrad = false,
    }: Partial<AdamOptions> = {},
  ) {
    super('AdamW', params, { lr, betas, eps, weightDecay, amsgrad }, true);
  }
}
