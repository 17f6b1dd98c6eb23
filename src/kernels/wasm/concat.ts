/**
 * Concatenation on the WebAssembly kernels (assembly/concat.ts): threaded copies between the
 * whole and its parts. Its gain is in a step, where tensors already live in the kernels' memory
 * and nothing is copied in or out.
 */
import type { ConcatGeometry } from '../../shape/concat.js';
import { hostKernels, type Marshal } from './marshal.js';

/** [parts, outer, inner, total, sizes...] */
function record(m: Marshal, g: ConcatGeometry): number {
  return m.int32([g.sizes.length, g.outer, g.inner, g.total, ...g.sizes]);
}

export const concat = hostKernels({
  concatForward(m, y, xs, g) {
    const parts = m.int32(xs.map((x) => m.input(x)));
    m.run('concatForward', [record(m, g), m.output(y), parts]);
  },

  concatBackward(m, dxs, dy, g) {
    const parts = m.int32(dxs.map((dx) => m.output(dx)));
    m.run('concatBackward', [record(m, g), parts, m.input(dy)]);
  },
});
