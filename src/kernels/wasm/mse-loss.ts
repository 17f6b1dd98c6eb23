/** Squared error on the WebAssembly kernels (assembly/mse-loss.ts), f32x4, threaded. */
import { hostKernels } from './marshal.js';

export const mseLoss = hostKernels({
  mseLossForward(m, losses, x, target) {
    m.run('mseLossForward', [m.output(losses), m.input(x), m.input(target), x.length], x.length);
  },

  mseLossBackward(m, dx, dtarget, dlosses, x, target) {
    const outputs = [m.output(dx), m.output(dtarget)];
    const inputs = [m.input(dlosses), m.input(x), m.input(target)];
    m.run('mseLossBackward', [...outputs, ...inputs, x.length], x.length);
  },
});
