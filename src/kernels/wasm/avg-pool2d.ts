/**
 * Average pooling on the WebAssembly kernels (assembly/avg-pool2d.ts), threaded over planes.
 * countIncludePad (default true, as PyTorch) goes in as a 0/1 flag.
 */
import { POOL2D_RECORD, recordValues } from './geometry-records.js';
import { hostKernels } from './marshal.js';

export const avgPool2d = hostKernels({
  avgPool2dForward(m, y, x, g, mode = {}) {
    const geometry = m.int32(recordValues(POOL2D_RECORD, g));
    const includePad = (mode.countIncludePad ?? true) ? 1 : 0;
    m.run(
      'avgPool2dForward',
      [geometry, m.output(y), m.input(x), includePad],
      y.length * g.KH * g.KW,
    );
  },

  avgPool2dBackward(m, dx, dy, g, mode = {}) {
    const geometry = m.int32(recordValues(POOL2D_RECORD, g));
    const includePad = (mode.countIncludePad ?? true) ? 1 : 0;
    m.run(
      'avgPool2dBackward',
      [geometry, m.output(dx), m.input(dy), includePad],
      dy.length * g.KH * g.KW,
    );
  },
});
