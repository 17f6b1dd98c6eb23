/**
 * The index of the largest value along one axis on the WebAssembly kernels
 * (assembly/argmax.ts), threaded over groups of four fibres.
 */
import { hostKernels } from './marshal.js';

export const argmax = hostKernels({
  argmaxForward(m, indices, x, g) {
    const args = [m.int32Output(indices), m.input(x), g.outer, g.size, g.inner];
    m.run('argmaxForward', args, x.length);
  },
});
