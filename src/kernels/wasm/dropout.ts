/**
 * Dropout on the WebAssembly kernels (assembly/dropout.ts): one kernel applies the mask hashed
 * from (seed, index) both ways, scaling by 1/(1 - p) (0 when p = 1: everything is dropped).
 */
import { dropoutThresholdArg } from './broadcast-record.js';
import { hostKernels } from './marshal.js';

function scale(p: number): number {
  return p === 1 ? 0 : 1 / (1 - p);
}

export const dropout = hostKernels({
  dropoutForward(m, y, x, seed, p) {
    const mask = [seed | 0, dropoutThresholdArg(p), m.float64(scale(p))];
    m.run('dropoutApply', [m.output(y), m.input(x), x.length, ...mask]);
  },

  dropoutBackward(m, dx, dy, seed, p) {
    const mask = [seed | 0, dropoutThresholdArg(p), m.float64(scale(p))];
    m.run('dropoutApply', [m.output(dx), m.input(dy), dy.length, ...mask]);
  },
});
