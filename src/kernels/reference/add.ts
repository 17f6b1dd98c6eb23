/**
 * Addition with broadcasting, reference implementation.
 *
 * a, b broadcast to g.shape -> y:(g.shape)
 *
 *   y = a + b        da = sum of dy over the axes a was broadcast along        db likewise
 *
 * Both functions overwrite their outputs; a null output in the backward is skipped.
 */
import type { BroadcastGeometry } from '../../shape/broadcast.js';
import type { FloatArray } from '../../tensor.js';
import { stridedOffsets } from './strided-offsets.js';

export function addForward(
  y: FloatArray,
  a: FloatArray,
  b: FloatArray,
  g: BroadcastGeometry,
): void {
  const ia = stridedOffsets(g.shape, g.aStrides);
  const ib = stridedOffsets(g.shape, g.bStrides);
  for (let i = 0; i < g.size; i++) y[i] = a[ia[i]] + b[ib[i]];
}

export function addBackward(
  da: FloatArray | null,
  db: FloatArray | null,
  dy: FloatArray,
  g: BroadcastGeometry,
): void {
  if (da !== null) {
    const ia = stridedOffsets(g.shape, g.aStrides);
    da.fill(0);
    for (let i = 0; i < g.size; i++) da[ia[i]] += dy[i];
  }
  if (db !== null) {
    const ib = stridedOffsets(g.shape, g.bStrides);
    db.fill(0);
    for (let i = 0; i < g.size; i++) db[ib[i]] += dy[i];
  }
}
