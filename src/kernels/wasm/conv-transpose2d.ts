/**
 * convTranspose2d on the WebAssembly kernels. A transposed convolution is the input gradient
 * of a conv2d (convTranspose2dAsConv gives that conv's geometry), so its forward is GEMM +
 * col2im (assembly/conv-transpose2d.ts), and its backward runs that conv2d's kernels
 * (assembly/conv2d.ts): dx is its forward of dy, dw its weight gradient with the roles of x and
 * dy exchanged, db its bias gradient.
 */
import { convTranspose2dAsConv } from '../../shape/conv-transpose2d.js';
import { CONV2D_RECORD, recordValues } from './geometry-records.js';
import { hostKernels } from './marshal.js';

export const convTranspose2d = hostKernels({
  convTranspose2dForward(m, y, x, w, b, g) {
    const conv = m.int32(recordValues(CONV2D_RECORD, convTranspose2dAsConv(g)));
    const [scratch, stride] = m.scratch(m.call('conv2dScratchBytes', conv, 0));
    const args = [conv, m.output(y), m.input(x), m.input(w), m.input(b), scratch, stride];
    m.run('convTranspose2dForward', args);
  },

  convTranspose2dBackwardInput(m, dx, dy, w, g) {
    const conv = m.int32(recordValues(CONV2D_RECORD, convTranspose2dAsConv(g)));
    const [scratch, stride] = m.scratch(m.call('conv2dScratchBytes', conv, 0));
    const args = [conv, m.output(dx), m.input(dy), m.input(w), 0, 0, 0, 0, scratch, stride];
    m.run('conv2dForward', args);
  },

  convTranspose2dBackwardWeight(m, dw, dy, x, g) {
    const conv = m.int32(recordValues(CONV2D_RECORD, convTranspose2dAsConv(g)));
    const [scratch, stride] = m.scratch(m.call('conv2dScratchBytes', conv, 0));
    const args = [conv, m.output(dw), m.input(x), m.input(dy), scratch, stride];
    m.run('conv2dBackwardWeight', args);
  },

  convTranspose2dBackwardBias(m, db, dy, g) {
    const geometry = m.int32(recordValues(CONV2D_RECORD, g));
    m.run('conv2dBackwardBias', [geometry, m.output(db), m.input(dy)]);
  },
});
