/** ReLU on the WebAssembly elementwise kernels (assembly/activations.ts); the backward reads x. */
import { hostKernels } from './marshal.js';

export const relu = hostKernels({
  reluForward(m, y, x) {
    m.run('reluForward', [m.output(y), m.input(x), x.length], x.length);
  },

  reluBackward(m, dx, dy, x) {
    m.run('reluBackward', [m.output(dx), m.input(dy), m.input(x), x.length], x.length);
  },
});
