/**
 * Concatenation on the WebAssembly kernels (assembly/concat.ts), threaded over (outer, input)
 * blocks. The inputs' (or gradients') pointers, sizes and start offsets go in as i32 tables.
 */
import type { ConcatGeometry } from '../../shape/concat.js';
import type { FloatArray } from '../../tensor.js';
import { hostKernels, type Marshal } from './marshal.js';

/** [sizes, starts, count, outer, inner, total] after the pointer table. */
function tables(m: Marshal, g: ConcatGeometry): number[] {
  const starts = g.sizes.map((_, t) => g.sizes.slice(0, t).reduce((a, b) => a + b, 0));
  return [m.int32(g.sizes), m.int32(starts), g.sizes.length, g.outer, g.inner, g.total];
}

export const concat = hostKernels({
  concatForward(m, y, xs, g) {
    const pointers = m.int32(xs.map((x: FloatArray) => m.input(x)));
    m.run('concatForward', [m.output(y), pointers, ...tables(m, g)], y.length);
  },

  concatBackward(m, dxs, dy, g) {
    const pointers = m.int32(dxs.map((dx: FloatArray | null) => m.output(dx)));
    m.run('concatBackward', [pointers, m.input(dy), ...tables(m, g)], dy.length);
  },
});
