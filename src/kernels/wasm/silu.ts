/** SiLU on the WebAssembly elementwise kernels (assembly/activations.ts); the backward reads x. */
import { hostKernels } from './marshal.js';

export const silu = hostKernels({
  siluForward(m, y, x) {
    m.run('siluForward', [m.output(y), m.input(x), x.length], x.length);
  },

  siluBackward(m, dx, dy, x) {
    m.run('siluBackward', [m.output(dx), m.input(dy), m.input(x), dy.length], dy.length);
  },
});
