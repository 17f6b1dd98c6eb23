/** Leaky ReLU on the WebAssembly elementwise kernels (assembly/activations.ts); the slope as f64. */
import { hostKernels } from './marshal.js';

export const leakyRelu = hostKernels({
  leakyReluForward(m, y, x, negativeSlope) {
    const args = [m.output(y), m.input(x), x.length, m.float64(negativeSlope)];
    m.run('leakyReluForward', args, x.length);
  },

  leakyReluBackward(m, dx, dy, x, negativeSlope) {
    const args = [m.output(dx), m.input(dy), m.input(x), x.length, m.float64(negativeSlope)];
    m.run('leakyReluBackward', args, x.length);
  },
});
