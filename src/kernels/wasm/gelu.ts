/** GELU on the WebAssembly elementwise kernels (assembly/activations.ts); the backward reads x. */
import { hostKernels } from './marshal.js';

export const gelu = hostKernels({
  geluForward(m, y, x) {
    m.run('geluForward', [m.output(y), m.input(x), x.length], x.length);
  },

  geluBackward(m, dx, dy, x) {
    m.run('geluBackward', [m.output(dx), m.input(dy), m.input(x), dy.length], dy.length);
  },
});
