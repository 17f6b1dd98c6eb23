/**
 * Binary cross-entropy on logits on the WebAssembly kernels
 * (assembly/binary-cross-entropy-with-logits.ts): elementwise, f32x4, threaded over
 * contiguous ranges; a null posWeight or backward output becomes pointer 0.
 */
import { hostKernels } from './marshal.js';

export const binaryCrossEntropyWithLogits = hostKernels({
  binaryCrossEntropyWithLogitsForward(m, losses, x, target, posWeight) {
    const args = [m.output(losses), m.input(x), m.input(target), m.input(posWeight), x.length];
    m.run('binaryCrossEntropyWithLogitsForward', args, x.length);
  },

  binaryCrossEntropyWithLogitsBackward(m, dx, dtarget, dlosses, x, target, posWeight) {
    const outputs = [m.output(dx), m.output(dtarget)];
    const inputs = [m.input(dlosses), m.input(x), m.input(target), m.input(posWeight)];
    m.run('binaryCrossEntropyWithLogitsBackward', [...outputs, ...inputs, x.length], x.length);
  },
});
