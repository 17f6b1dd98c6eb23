/**
 * Inverted dropout (PyTorch's F.dropout) as an autograd op. In training, each element is kept
 * with probability 1 - p and scaled up:
 *
 *   y = x * mask / (1 - p)        dx = dy * mask / (1 - p)
 *
 * so E[y] = x and evaluation is the identity (the input itself is returned). Each call draws one
 * 32-bit seed from the given Rng; the kernels derive the mask from it (a hash of the seed and
 * the element's index, src/kernels/reference/dropout.ts), so no mask is stored.
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import type { Rng } from '../rng.js';
import { Tensor } from '../tensor.js';
import { gradFor } from './grad-buffer.js';

export interface DropoutOptions {
  /** Probability of dropping an element, in [0, 1]; default 0.5. */
  p?: number;
  /** Drop only when training (default true); otherwise the identity. */
  training?: boolean;
  /** Draws the mask's seed; required when training with p > 0. Same seed, same mask. */
  rng?: Rng;
}

export function dropout(x: Tensor, { p = 0.5, training = true, rng }: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`dropout: p must be a probability in [0, 1], got ${p}`);
  }
  if (!training || p === 0) return x;
  if (rng === undefined) {
    throw new Error('dropout: training mode needs an rng (a seeded Rng) to draw the mask');
  }
  const seed = rng.nextUint32();
  const y = Tensor.empty(x.shape, x.dtype);
  getBackend().dropoutForward(y.data, x.data, seed, p);
  return record('dropout', y, [x], (dy) => [
    gradFor(x, (d) => getBackend().dropoutBackward(d, dy.data, seed, p)),
  ]);
}
