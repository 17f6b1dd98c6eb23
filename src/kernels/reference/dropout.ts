/**
 * Inverted dropout, reference implementation. Elementwise on any shape, with a keep mask
 * (1 = kept) drawn by the caller from a seeded Rng, and drop probability p:
 *
 *   y = x * mask / (1 - p)        dx = dy * mask / (1 - p)
 *
 * Scaling at training time keeps E[y] = x, so evaluation is the identity. p = 1 drops
 * everything (y = 0). Both functions write their first argument.
 */
import type { FloatArray } from '../../tensor.js';

function keepScale(p: number): number {
  return p === 1 ? 0 : 1 / (1 - p);
}

export function dropoutForward(y: FloatArray, x: FloatArray, mask: Uint8Array, p: number): void {
  const scale = keepScale(p);
  for (let i = 0; i < x.length; i++) y[i] = mask[i] === 1 ? x[i] * scale : 0;
}

export function dropoutBackward(dx: FloatArray, dy: FloatArray, mask: Uint8Array, p: number): void {
  const scale = keepScale(p);
  for (let i = 0; i < dy.length; i++) dx[i] = mask[i] === 1 ? dy[i] * scale : 0;
}
