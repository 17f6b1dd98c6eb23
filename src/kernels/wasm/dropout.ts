/**
 * Dropout on the WebAssembly kernels (assembly/dropout.ts): one kernel applies the mask hashed
 * from (seed, index) both ways, scaling by 1/(1 - p) (0 when p = 1: everything is dropped).
 */
import type { FloatArray } from '../../tensor.js';
import { dropoutThreshold } from '../reference/dropout-mask.js';
import { hostKernels, type Marshal } from './marshal.js';

/** out = keep(i) ? input * scale : 0; the threshold floor(p 2^32) goes in as the kernel's i32. */
function applyMask(m: Marshal, out: FloatArray, input: FloatArray, seed: number, p: number): void {
  const threshold = p === 1 ? 0 : dropoutThreshold(p) | 0;
  const scale = m.float64(p === 1 ? 0 : 1 / (1 - p));
  m.run('dropoutApply', [m.output(out), m.input(input), input.length, seed | 0, threshold, scale]);
}

export const dropout = hostKernels({
  dropoutForward: (m, y, x, seed, p) => applyMask(m, y, x, seed, p),
  dropoutBackward: (m, dx, dy, seed, p) => applyMask(m, dx, dy, seed, p),
});
