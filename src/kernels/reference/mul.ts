/**
 * Elementwise multiplication with broadcasting, reference implementation.
 *
 * a, b broadcast to g.shape -> y:(g.shape)
 *
 *   y = a * b        da = sum over a's broadcast axes of dy * b        db = ... of dy * a
 *
 * Both functions overwrite their outputs; a null output in the backward is skipped.
 */
import type { BroadcastGeometry } from '../../shape/broadcast.js';
import type { FloatArray } from '../../tensor.js';
import { stridedOffsets } from './strided-offsets.js';

export function mulForward(
  y: FloatArray,
  a: FloatArray,
  b: FloatArray,
  g: BroadcastGeometry,
): void {
  const ia = stridedOffsets(g.shape, g.aStrides);
  const ib = stridedOffsets(g.shape, g.bStrides);
  for (let i = 0; i < g.size; i++) y[i] = a[ia[i]] * b[ib[i]];
}

export function mulBackward(
  da: FloatArray | null,
  db: FloatArray | null,
  dy: FloatArray,
  a: FloatArray,
  b: FloatArray,
  g: BroadcastGeometry,
): void {
  const ia = stridedOffsets(g.shape, g.aStrides);
  const ib = stridedOffsets(g.shape, g.bStrides);
  if (da !== null) {
    da.fill(0);
    for (let i = 0; i < g.size; i++) da[ia[i]] += dy[i] * b[ib[i]];
  }
  if (db !== null) {
    db.fill(0);
    for (let i = 0; i < g.size; i++) db[ib[i]] += dy[i] * a[ia[i]];
  }
}
