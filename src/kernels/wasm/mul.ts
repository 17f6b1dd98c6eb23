/**
 * mul with broadcasting on the WebAssembly kernels (assembly/binary.ts); each gradient is its own
 * call (0: da, 1: db), summed over the axes its operand was broadcast along.
 */
import { broadcastRecord } from './broadcast-record.js';
import { hostKernels } from './marshal.js';

export const mul = hostKernels({
  mulForward(m, y, a, b, g) {
    const args = [m.int32(broadcastRecord(g)), m.output(y), m.input(a), m.input(b)];
    m.run('mulForward', args, y.length);
  },

  mulBackward(m, da, db, dy, a, b, g) {
    const geometry = m.int32(broadcastRecord(g));
    const operands = [m.input(dy), m.input(a), m.input(b)];
    if (da !== null) m.run('mulBackward', [0, geometry, m.output(da), ...operands], dy.length);
    if (db !== null) m.run('mulBackward', [1, geometry, m.output(db), ...operands], dy.length);
  },
});
