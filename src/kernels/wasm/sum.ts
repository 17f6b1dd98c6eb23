/**
 * sum over some axes on the WebAssembly kernels, through the binary kernels (reduce-record.ts):
 * the forward is add's gradient of an operand repeated along the reduced axes (each output
 * summed by one thread, f32x4 lanes over contiguous runs), the backward repeats dy over x's
 * shape as dy * 1 (exact). An empty x goes to the reference.
 */
import { sumBackward, sumForward } from '../reference/sum.js';
import { hostKernels } from './marshal.js';
import { reduceRecord } from './reduce-record.js';

export const sum = hostKernels({
  sumForward(m, y, x, g) {
    if (g.size === 0) return sumForward(y, x, g);
    const geometry = m.int32(reduceRecord(g, 'x', 'y'));
    const db = 1;
    m.run('addBackward', [db, geometry, m.output(y), m.input(x)], g.size);
  },

  sumBackward(m, dx, dy, g) {
    if (g.size === 0) return sumBackward(dx, dy, g);
    const one = m.input(Float32Array.of(1));
    const args = [m.int32(reduceRecord(g, 'y', 'scalar')), m.output(dx), m.input(dy), one];
    m.run('mulForward', args, g.size);
  },
});
