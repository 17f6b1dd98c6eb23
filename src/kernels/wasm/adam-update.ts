/**
 * Adam's and AdamW's update on the WebAssembly kernels (assembly/adam-update.ts), bitwise the
 * reference's: the per-update scalars are computed here by the reference's own adamScalars.
 * The parameter and its moments are updated where they live: in place when they are in the
 * kernels' memory (a resident model), else copied in and back.
 */
import { adamScalars } from '../reference/adam-scalars.js';
import { hostKernels } from './marshal.js';
import { runElementwise } from './small-work.js';

const DECOUPLED = 1;

export const adamUpdate = hostKernels({
  adamUpdate(m, p, expAvg, expAvgSq, maxExpAvgSq, grad, options) {
    const { stepSize, biasCorrection2Sqrt, decay, l2 } = adamScalars(options);
    const { eps, beta1, beta2, decoupled } = options;
    const scalars = m.float64(stepSize, biasCorrection2Sqrt, eps, beta1, beta2, l2, decay);
    const buffers = [m.inPlace(p), m.inPlace(expAvg), m.inPlace(expAvgSq)];
    const args = [...buffers, m.inPlace(maxExpAvgSq), m.input(grad), p.length, scalars];
    runElementwise(m, 'adamUpdate', p.length, [...args, decoupled ? DECOUPLED : 0]);
  },
});
