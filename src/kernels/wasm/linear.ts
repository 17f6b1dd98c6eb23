/**
 * Fully connected layers on the WebAssembly kernels (assembly/linear.ts). Batches of at least
 * linearFewRows() rows run the GEMM; fewer rows (inference on one image) read w directly
 * instead of packing it, which costs more than the product itself.
 */
import { hostKernels } from './marshal.js';

export const linear = hostKernels({
  linearForward(m, y, x, w, b, g) {
    const { N, IN, OUT } = g;
    const py = m.output(y);
    if (N < m.call('linearFewRows')) {
      m.run(
        'linearForwardFewRows',
        [N, IN, OUT, py, m.input(x), m.input(w), m.input(b)],
        N * IN * OUT,
      );
      return;
    }
    const [scratch, stride] = m.scratch(m.call('linearForwardScratchBytes', N, IN, OUT));
    const args = [N, IN, OUT, py, m.input(x), m.input(w), m.counter(), scratch, stride];
    m.run('linearForward', args);
    if (b !== null) m.run('addRowBias', [N, OUT, py, m.input(b)], N * OUT);
  },

  linearBackward(m, dx, dw, db, dy, x, w, g) {
    const { N, IN, OUT } = g;
    const pdy = m.input(dy);
    const [scratch, stride] = m.scratch(m.call('sgemmScratchBytes'));
    if (dx !== null) {
      const args = [N, IN, OUT, m.output(dx), pdy, m.input(w), scratch, stride];
      m.run('linearBackwardInput', args);
    }
    if (dw !== null) {
      const args = [N, IN, OUT, m.output(dw), pdy, m.input(x), scratch, stride];
      m.run('linearBackwardWeight', args);
    }
    if (db !== null) m.run('linearBackwardBias', [N, OUT, m.output(db), pdy], N * OUT);
  },
});
