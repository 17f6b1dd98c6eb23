/**
 * Concatenation on the WebAssembly kernels (assembly/concat.ts), threaded over the outer index.
 * The parts go in as one i32 record of (pointer, size) pairs, a null gradient as pointer 0.
 */
import type { ConcatGeometry } from '../../shape/concat.js';
import { hostKernels, type Marshal } from './marshal.js';

/** The (pointer, size) pairs, in part order, placed in the kernels' memory. */
function partRecord(m: Marshal, pointers: readonly number[], g: ConcatGeometry): number {
  return m.int32(pointers.flatMap((at, t) => [at, g.sizes[t]]));
}

export const concat = hostKernels({
  concatForward(m, y, xs, g) {
    const record = partRecord(
      m,
      xs.map((x) => m.input(x)),
      g,
    );
    const args = [m.output(y), record, xs.length, g.outer, g.inner, g.total];
    m.run('concatForward', args, y.length);
  },

  concatBackward(m, dxs, dy, g) {
    const record = partRecord(
      m,
      dxs.map((dx) => m.output(dx)),
      g,
    );
    const args = [m.input(dy), record, dxs.length, g.outer, g.inner, g.total];
    m.run('concatBackward', args, dy.length);
  },
});
