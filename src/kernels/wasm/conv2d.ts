/**
 * conv2d on the WebAssembly kernels (assembly/conv2d.ts: im2col + SIMD GEMM, threaded over
 * filters or images). The geometry goes in as a record; GEMM packing scratch is per thread.
 */
import { CONV2D_RECORD, recordValues } from './geometry-records.js';
import { hostKernels } from './marshal.js';

export const conv2d = hostKernels({
  conv2dForward(m, y, x, w, b, g) {
    const geometry = m.int32(recordValues(CONV2D_RECORD, g));
    const [scratch, stride] = m.scratch(m.call('conv2dScratchBytes', geometry));
    const args = [geometry, m.output(y), m.input(x), m.input(w), m.input(b), scratch, stride];
    m.run('conv2dForward', args, y.length * (w.length / g.F)); // multiply-adds
  },

  conv2dBackward(m, dx, dw, db, dy, x, w, g) {
    const geometry = m.int32(recordValues(CONV2D_RECORD, g));
    const pdy = m.input(dy);
    if (db !== null) m.run('conv2dBackwardBias', [geometry, m.output(db), pdy]);
    if (dx !== null) {
      const [scratch, stride] = m.scratch(m.call('conv2dScratchBytes', geometry));
      m.run('conv2dBackwardInput', [geometry, m.output(dx), pdy, m.input(w), scratch, stride]);
    }
    if (dw !== null) {
      const [scratch, stride] = m.scratch(m.call('conv2dScratchBytes', geometry));
      m.run('conv2dBackwardWeight', [geometry, m.output(dw), pdy, m.input(x), scratch, stride]);
    }
  },
});
