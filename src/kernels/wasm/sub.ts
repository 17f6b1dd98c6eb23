/**
 * sub with broadcasting on the WebAssembly kernels (assembly/binary.ts); each gradient is its own
 * call (0: da, 1: db), summed over the axes its operand was broadcast along.
 */
import { broadcastRecord } from './broadcast-record.js';
import { hostKernels } from './marshal.js';

export const sub = hostKernels({
  subForward(m, y, a, b, g) {
    const args = [m.int32(broadcastRecord(g)), m.output(y), m.input(a), m.input(b)];
    m.run('subForward', args, y.length);
  },

  subBackward(m, da, db, dy, g) {
    const geometry = m.int32(broadcastRecord(g));
    const pdy = m.input(dy);
    if (da !== null) m.run('subBackward', [0, geometry, m.output(da), pdy], dy.length);
    if (db !== null) m.run('subBackward', [1, geometry, m.output(db), pdy], dy.length);
  },
});
