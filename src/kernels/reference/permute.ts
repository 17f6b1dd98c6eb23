/**
 * Axis permutation (transpose), reference implementation.
 *
 * x:(g.shape) -> y:(g.outShape), y's axis k being x's axis axes[k]
 *
 *   y[i0, i1, ...] = x at sum_k i_k * xStrides[k]        dx: the same map, written back
 *
 * Both functions write (overwrite) their first argument.
 */
import type { PermuteGeometry } from '../../shape/permute.js';
import type { FloatArray } from '../../tensor.js';
import { stridedOffsets } from './strided-offsets.js';

export function permuteForward(y: FloatArray, x: FloatArray, g: PermuteGeometry): void {
  const source = stridedOffsets(g.outShape, g.xStrides);
  for (let i = 0; i < g.size; i++) y[i] = x[source[i]];
}

export function permuteBackward(dx: FloatArray, dy: FloatArray, g: PermuteGeometry): void {
  const source = stridedOffsets(g.outShape, g.xStrides);
  for (let i = 0; i < g.size; i++) dx[source[i]] = dy[i];
}
