/**
 * Axis permutation on the WebAssembly kernels (assembly/permute.ts), threaded over output rows.
 * The record is the output sizes then x's strides along them (a scalar as shape [1]).
 */
import type { PermuteGeometry } from '../../shape/permute.js';
import { hostKernels } from './marshal.js';

function permuteRecord(g: PermuteGeometry): [number[], number] {
  if (g.outShape.length === 0) return [[1, 1], 1];
  return [[...g.outShape, ...g.xStrides], g.outShape.length];
}

export const permute = hostKernels({
  permuteForward(m, y, x, g) {
    const [record, rank] = permuteRecord(g);
    m.run('permuteForward', [m.output(y), m.input(x), m.int32(record), rank], g.size);
  },

  permuteBackward(m, dx, dy, g) {
    const [record, rank] = permuteRecord(g);
    m.run('permuteBackward', [m.output(dx), m.input(dy), m.int32(record), rank], g.size);
  },
});
