/**
 * SGD's update on the WebAssembly kernels (assembly/sgd-update.ts), bitwise the reference's.
 * The parameter and its momentum buffer are updated where they live: in place when they are in
 * the kernels' memory (a resident model), else copied in and back.
 */
import { hostKernels } from './marshal.js';
import { runElementwise } from './small-work.js';

const NESTEROV = 1;
const FIRST = 2;

export const sgdUpdate = hostKernels({
  sgdUpdate(m, p, momentumBuffer, grad, options) {
    const { lr, momentum, dampening, weightDecay, nesterov, first } = options;
    const flags = (nesterov ? NESTEROV : 0) | (first ? FIRST : 0);
    const scalars = m.float64(lr, momentum, dampening, weightDecay);
    const args = [m.inPlace(p), m.inPlace(momentumBuffer), m.input(grad)];
    runElementwise(m, 'sgdUpdate', p.length, [...args, p.length, scalars, flags]);
  },
});
