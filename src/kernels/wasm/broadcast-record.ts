/**
 * Host side of the binary kernels with broadcasting (assembly/binary.ts): the record they read.
 *
 * The record is [rank, shape[rank], aStrides[rank], bStrides[rank]] (i32) for a
 * BroadcastGeometry, simplified without changing any element's offsets: axes of size 1 are
 * dropped, and axis k merges into axis k+1 where, for the output and both operands,
 * stride[k] = stride[k+1] * shape[k+1] (so (N,C,H,W) + (1,C,1,1) becomes (N, C, H*W) with
 * b strides (0, 1, 0), and two same-shape operands one axis). The innermost axis is then as
 * long as it can be, which is where the kernels run in f32x4. A geometry of size 1 becomes
 * rank 1, shape [1].
 */
import type { BroadcastGeometry } from '../../shape/broadcast.js';

export function broadcastRecord(g: BroadcastGeometry): number[] {
  const shape: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const out: number[] = [];
  let outStride = 1;
  // From the innermost axis out, so each axis is compared with the merged one inside it.
  for (let k = g.shape.length - 1; k >= 0; k--) {
    const d = g.shape[k];
    if (d !== 1) {
      const last = shape.length - 1;
      const merges =
        last >= 0 &&
        outStride === out[last] * shape[last] &&
        g.aStrides[k] === a[last] * shape[last] &&
        g.bStrides[k] === b[last] * shape[last];
      if (merges) {
        shape[last] *= d;
      } else {
        shape.push(d);
        a.push(g.aStrides[k]);
        b.push(g.bStrides[k]);
        out.push(outStride);
      }
    }
    outStride *= d;
  }
  if (shape.length === 0) return [1, 1, 0, 0];
  shape.reverse();
  a.reverse();
  b.reverse();
  return [shape.length, ...shape, ...a, ...b];
}
