/** Leaky ReLU on the WebAssembly elementwise kernels (assembly/activations.ts); the slope as f64. */
import { hostKernels } from './marshal.js';

export const leakyRelu = hostKernels({
  leakyReluForward(m, y, x, negativeSlope) {
    m.run('leakyReluForward', [m.output(y), m.input(x), x.length, m.float64(negativeSlope)]);
  },

  leakyReluBackward(m, dx, dy, x, negativeSlope) {
    const args = [m.output(dx), m.input(dy), m.input(x), x.length, m.float64(negativeSlope)];
    m.run('leakyReluBackward', args);
  },
});
