/**
 * Transformed Winograd filters, U = G g G^T, kept between calls of the fused inference kernel
 * (conv2dReluPoolForward): a model run for inference convolves with the same weights call after
 * call, and transforming them (F*C small products in f64) costs more than a batch-1 layer's
 * multiplies. An entry is used only while the weights still equal the copy taken with it,
 * bitwise, compared on every call (in the kernels' memory: about 5 us for 73 KB, where a JS loop
 * took 35-75 us), so weights changed in place (an optimizer step, a loaded state dict)
 * are transformed again; entries go with their weight arrays (a WeakMap).
 */
import type { FloatArray } from '../../tensor.js';
import type { Marshal } from './marshal.js';

interface Kept {
  readonly tile: 2 | 4;
  /** The weights U was made from. */
  readonly weights: Float32Array;
  readonly u: Float32Array;
}

const kept = new WeakMap<FloatArray, Kept>();

/**
 * U of these weights (at `w` in the kernels' memory) for this tile, if kept and the weights are
 * bitwise unchanged since (compared in the kernels' memory, assembly/bytes-equal.ts); else null.
 */
export function keptFilters(
  m: Marshal,
  weights: FloatArray,
  w: number,
  tile: 2 | 4,
): Float32Array | null {
  const entry = kept.get(weights);
  if (entry === undefined || entry.tile !== tile || entry.weights.length !== weights.length) {
    return null;
  }
  const same = m.call('bytesEqual', w, m.input(entry.weights), entry.weights.byteLength);
  return same === 1 ? entry.u : null;
}

/** Keeps U of these weights (a copy of them is taken now) for later calls. */
export function keepFilters(weights: FloatArray, tile: 2 | 4, u: Float32Array): void {
  kept.set(weights, { tile, weights: Float32Array.from(weights), u });
}
