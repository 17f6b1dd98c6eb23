/** tanh on the WebAssembly elementwise kernels (assembly/activations.ts); the backward reads y. */
import { hostKernels } from './marshal.js';

export const tanh = hostKernels({
  tanhForward(m, y, x) {
    m.run('tanhForward', [m.output(y), m.input(x), x.length], x.length);
  },

  tanhBackward(m, dx, dy, y) {
    m.run('tanhBackward', [m.output(dx), m.input(dy), m.input(y), dy.length], dy.length);
  },
});
