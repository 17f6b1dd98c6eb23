/**
 * mean over some axes on the WebAssembly kernels, through the binary kernels (reduce-record.ts):
 * the forward is div's gradient of a / count with a repeated along the reduced axes (each output
 * the sum of x / count, by one thread, f32x4 lanes over contiguous runs), the backward repeats
 * dy over x's shape as dy / count (the float32 division, as exact as the reference's). An empty
 * x goes to the reference.
 */
import { meanBackward, meanForward } from '../reference/mean.js';
import { hostKernels } from './marshal.js';
import { reduceRecord } from './reduce-record.js';

export const mean = hostKernels({
  meanForward(m, y, x, g) {
    if (g.size === 0) return meanForward(y, x, g);
    const geometry = m.int32(reduceRecord(g, 'y', 'scalar'));
    const count = m.input(Float32Array.of(g.count));
    const py = m.output(y);
    // d(a) of a / count is read as dy / count summed; a itself (here y) is not read.
    const da = 0;
    m.run('divBackward', [da, geometry, py, m.input(x), py, count], g.size);
  },

  meanBackward(m, dx, dy, g) {
    if (g.size === 0) return meanBackward(dx, dy, g);
    const count = m.input(Float32Array.of(g.count));
    const args = [m.int32(reduceRecord(g, 'y', 'scalar')), m.output(dx), m.input(dy), count];
    m.run('divForward', args, g.size);
  },
});
