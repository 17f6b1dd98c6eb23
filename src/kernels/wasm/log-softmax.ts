/**
 * Log-softmax along one axis on the WebAssembly kernels (assembly/softmax.ts), threaded over the
 * outer*inner fibres in groups of four.
 */
import { hostKernels } from './marshal.js';

export const logSoftmax = hostKernels({
  logSoftmaxForward(m, y, x, g) {
    const args = [g.outer, g.size, g.inner, m.output(y), m.input(x)];
    m.run('logSoftmaxForward', args, 4 * x.length);
  },

  logSoftmaxBackward(m, dx, dy, y, g) {
    const args = [g.outer, g.size, g.inner, m.output(dx), m.input(dy), m.input(y)];
    m.run('logSoftmaxBackward', args, 4 * dy.length);
  },
});
