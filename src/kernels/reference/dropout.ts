/**
 * Inverted dropout, reference implementation. Elementwise on any shape, with drop probability p
 * and a 32-bit seed. The keep mask is not stored: each element's decision is a counter-based
 * hash of (seed, index), so the forward and the backward (and any backend, any thread count)
 * draw the same mask from the seed alone:
 *
 *   keep(i) = hash(seed, i) >= floor(p * 2^32)        (unsigned 32-bit; P[keep] = 1 - p)
 *   hash(seed, i) = fmix32(fmix32(i ^ k) + k),  k = fmix32(seed + 0x9e3779b9)    (all mod 2^32)
 *   fmix32(h): h ^= h >>> 16; h *= 0x85ebca6b; h ^= h >>> 13; h *= 0xc2b2ae35; h ^= h >>> 16
 *              (MurmurHash3's finalizer, a bijection with full avalanche)
 *
 *   y = keep(i) ? x / (1 - p) : 0        dx = keep(i) ? dy / (1 - p) : 0
 *
 * Scaling at training time keeps E[y] = x, so evaluation is the identity. p = 1 drops
 * everything (y = 0). The hash is integer-only (Math.imul, >>> 0), so a WebAssembly kernel
 * computes the same mask bit for bit. Both functions write their first argument.
 */
import type { FloatArray } from '../../tensor.js';
import { dropoutHash, dropoutThreshold } from './dropout-mask.js';

function keepScale(p: number): number {
  return p === 1 ? 0 : 1 / (1 - p);
}

export function dropoutForward(y: FloatArray, x: FloatArray, seed: number, p: number): void {
  const scale = keepScale(p);
  const threshold = dropoutThreshold(p);
  for (let i = 0; i < x.length; i++) y[i] = dropoutHash(seed, i) >= threshold ? x[i] * scale : 0;
}

export function dropoutBackward(dx: FloatArray, dy: FloatArray, seed: number, p: number): void {
  const scale = keepScale(p);
  const threshold = dropoutThreshold(p);
  for (let i = 0; i < dy.length; i++) {
    dx[i] = dropoutHash(seed, i) >= threshold ? dy[i] * scale : 0;
  }
}
