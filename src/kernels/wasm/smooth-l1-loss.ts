/** Smooth L1 loss on the WebAssembly kernels (assembly/smooth-l1-loss.ts); beta as f64. */
import { hostKernels } from './marshal.js';

export const smoothL1Loss = hostKernels({
  smoothL1LossForward(m, losses, x, target, beta) {
    const args = [m.output(losses), m.input(x), m.input(target), x.length, m.float64(beta)];
    m.run('smoothL1LossForward', args, x.length);
  },

  smoothL1LossBackward(m, dx, dtarget, dlosses, x, target, beta) {
    const outputs = [m.output(dx), m.output(dtarget)];
    const inputs = [m.input(dlosses), m.input(x), m.input(target)];
    m.run('smoothL1LossBackward', [...outputs, ...inputs, x.length, m.float64(beta)], x.length);
  },
});
