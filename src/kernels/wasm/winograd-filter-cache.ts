/**
 * Transformed Winograd filters, U = G g G^T, kept between calls of the fused inference kernel
 * (conv2dReluPoolForward): a model run for inference convolves with the same weights call after
 * call, and transforming them (F*C small products in f64) costs more than a batch-1 layer's
 * multiplies. An entry is used only while the weights still equal the copy taken with it,
 * compared on every call, so weights changed in place (an optimizer step, a loaded state dict)
 * are transformed again; entries go with their weight arrays (a WeakMap).
 */
import type { FloatArray } from '../../tensor.js';

interface Kept {
  readonly tile: 2 | 4;
  /** The weights U was made from. */
  readonly weights: Float32Array;
  readonly u: Float32Array;
}

const kept = new WeakMap<FloatArray, Kept>();

function sameValues(a: Float32Array, b: FloatArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    // Bitwise-equal floats, NaN included: compare as integers would, but NaN !== NaN here, so
    // weights holding NaN are simply transformed every time.
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** U of these weights for this tile, if kept and the weights are unchanged; else null. */
export function keptFilters(weights: FloatArray, tile: 2 | 4): Float32Array | null {
  const entry = kept.get(weights);
  if (entry === undefined || entry.tile !== tile || !sameValues(entry.weights, weights)) {
    return null;
  }
  return entry.u;
}

/** Keeps U of these weights (a copy of them is taken now) for later calls. */
export function keepFilters(weights: FloatArray, tile: 2 | 4, u: Float32Array): void {
  kept.set(weights, { tile, weights: Float32Array.from(weights), u });
}
