/**
 * Softmax cross-entropy on the WebAssembly kernels (assembly/cross-entropy.ts), threaded over
 * positions. The labels are checked here, with the reference's rule and message, because the
 * kernel trusts them; the total weight of the positions not ignored (the forward's result) is
 * summed here in f64 in position order, as the reference does.
 */
import type { CrossEntropyGeometry } from '../../shape/cross-entropy.js';
import type { FloatArray } from '../../tensor.js';
import type { Labels } from '../backend.js';
import { hostKernels } from './marshal.js';

function checkedTotalWeight(
  labels: Labels,
  weight: FloatArray | null,
  ignoreIndex: number,
  g: CrossEntropyGeometry,
): number {
  let total = 0;
  for (let p = 0; p < g.N * g.S; p++) {
    const label = labels[p];
    if (label === ignoreIndex) continue;
    if (!Number.isInteger(label) || label < 0 || label >= g.K) {
      throw new RangeError(
        `crossEntropy: label ${label} at position ${p} is neither a class index in [0, ${g.K}) nor the ignore index ${ignoreIndex}`,
      );
    }
    total += weight === null ? 1 : weight[label];
  }
  return total;
}

export const crossEntropy = hostKernels({
  crossEntropyForward(m, losses, logits, labels, weight, ignoreIndex, g) {
    const total = checkedTotalWeight(labels, weight, ignoreIndex, g);
    const args = [m.output(losses), m.input(logits), m.int32(labels), m.input(weight)];
    m.run('crossEntropyForward', [g.N, g.K, g.S, ...args, ignoreIndex], g.N * g.K * g.S);
    return total;
  },

  crossEntropyBackward(m, dlogits, dlosses, logits, labels, weight, ignoreIndex, g) {
    checkedTotalWeight(labels, weight, ignoreIndex, g);
    const inputs = [m.input(dlosses), m.input(logits), m.int32(labels), m.input(weight)];
    m.run(
      'crossEntropyBackward',
      [g.N, g.K, g.S, m.output(dlogits), ...inputs, ignoreIndex],
      g.N * g.K * g.S,
    );
  },
});
