/**
 * Sum over some axes, reference implementation.
 *
 * x:(g.shape) -> y:(g.keptShape), the reduced axes kept with size 1
 *
 *   y[kept index] = sum of x over the reduced axes        dx = dy repeated along them
 *
 * Both functions write (overwrite) their first argument.
 */
import type { ReduceGeometry } from '../../shape/reduce.js';
import type { FloatArray } from '../../tensor.js';
import { stridedOffsets } from './strided-offsets.js';

export function sumForward(y: FloatArray, x: FloatArray, g: ReduceGeometry): void {
  const out = stridedOffsets(g.shape, g.outStrides);
  y.fill(0);
  for (let i = 0; i < g.size; i++) y[out[i]] += x[i];
}

export function sumBackward(dx: FloatArray, dy: FloatArray, g: ReduceGeometry): void {
  const out = stridedOffsets(g.shape, g.outStrides);
  for (let i = 0; i < g.size; i++) dx[i] = dy[out[i]];
}
