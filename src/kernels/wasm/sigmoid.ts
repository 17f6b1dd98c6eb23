/** Sigmoid on the WebAssembly elementwise kernels (assembly/activations.ts); the backward reads y. */
import { hostKernels } from './marshal.js';

export const sigmoid = hostKernels({
  sigmoidForward(m, y, x) {
    m.run('sigmoidForward', [m.output(y), m.input(x), x.length], x.length);
  },

  sigmoidBackward(m, dx, dy, y) {
    m.run('sigmoidBackward', [m.output(dx), m.input(dy), m.input(y), dy.length], dy.length);
  },
});
