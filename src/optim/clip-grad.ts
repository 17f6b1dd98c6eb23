/**
 * Gradient clipping by global norm, with exactly torch.nn.utils.clip_grad_norm_'s semantics.
 *
 * ```
 * n_i   = ‖g_i‖_p                     for each parameter i with a grad
 * total = ‖(n_1, n_2, ...)‖_p          (= the p-norm of all grads as one vector)
 * scale = min(maxNorm / (total + 1e-6), 1)
 * g_i  ← scale · g_i                   (in place)
 * ```
 *
 * For p = Infinity the norms are maxima of |g|. Parameters whose grad is null are ignored; with
 * none, the total norm is 0. The grads are scaled in place and the total norm (before clipping)
 * is returned. As in PyTorch, a non-finite total norm scales the grads by NaN or 0 unless
 * `errorIfNonfinite` is set, in which case it throws and leaves them untouched.
 *
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * ```
 */
import type { Tensor } from '../tensor.js';
import { checkNonNegative } from './validate.js';

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or ±Infinity; default false (as in PyTorch). */
  errorIfNonfinite?: boolean;
}

/** The p-norm of an array; p = Infinity gives max |x|. */
function pNorm(values: ArrayLike<number>, p: number): number {
  if (p === Infinity) {
    let max = 0;
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]);
      if (a > max || Number.isNaN(a)) max = a;
    }
    return max;
  }
  let sum = 0;
  if (p === 2) {
    for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
    return Math.sqrt(sum);
  }
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i]) ** p;
  return sum ** (1 / p);
}

/** Scales all grads together so their global p-norm is at most maxNorm; returns the norm before. */
export function clipGradNorm(
  params: Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  { errorIfNonfinite = false }: ClipGradNormOptions = {},
): number {
  checkNonNegative(maxNorm, 'maxNorm', 'clipGradNorm');
  if (!(normType > 0)) {
    throw new RangeError(`clipGradNorm: normType must be > 0 or Infinity, got ${normType}`);
  }
  const grads = [...params].flatMap((param) => (param.grad === null ? [] : [param.grad.data]));
  if (grads.length === 0) return 0;
  const total = pNorm(
    grads.map((g) => pNorm(g, normType)),
    normType,
  );
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new RangeError(
      `clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, so it cannot be clipped; set errorIfNonfinite: false to scale the gradients by the non-finite norm anyway`,
    );
  }
  const scale = Math.min(maxNorm / (total + 1e-6), 1);
  if (scale !== 1) {
    for (const g of grads) {
      for (let i = 0; i < g.length; i++) g[i] *= scale;
    }
  }
  return total;
}
