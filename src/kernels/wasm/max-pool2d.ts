/** Max pooling on the WebAssembly kernels (assembly/max-pool2d.ts), threaded over planes. */
import { POOL2D_RECORD, recordValues } from './geometry-records.js';
import { hostKernels } from './marshal.js';

export const maxPool2d = hostKernels({
  maxPool2dForward(m, y, x, g) {
    const geometry = m.int32(recordValues(POOL2D_RECORD, g));
    m.run('maxPool2dForward', [geometry, m.output(y), m.input(x)], y.length * g.KH * g.KW);
  },

  maxPool2dBackward(m, dx, dy, x, g) {
    const geometry = m.int32(recordValues(POOL2D_RECORD, g));
    const args = [geometry, m.output(dx), m.input(dy), m.input(x)];
    m.run('maxPool2dBackward', args, dy.length * g.KH * g.KW);
  },
});
