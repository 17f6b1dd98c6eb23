/**
 * Fully connected layers on the WebAssembly kernels (assembly/linear.ts). Batches of at least
 * linearFewRows() rows run the GEMM; fewer rows (inference on one image) run
 * assembly/linear-few-rows.ts, which reads w directly instead of packing it per call (that costs
 * more than the product itself). Frozen weights (Module.freeze) are packed once and kept
 * (weight-cache.ts), and both paths read them packed.
 */
import { frozenSince } from '../frozen-arrays.js';
import type { FloatArray } from '../../tensor.js';
import { hostKernels, type Marshal } from './marshal.js';

/**
 * w (at `pw`) packed whole as the forward's GEMM packs it per call (linearPackWeights), kept
 * between calls, for frozen weights (Module.freeze: a model run for inference); 0 otherwise, and
 * where this batch's GEMM packs its own blocks. Weights that change every step (training) would
 * be packed and copied for nothing.
 */
function keptPanels(
  m: Marshal,
  w: FloatArray,
  pw: number,
  N: number,
  IN: number,
  OUT: number,
): number {
  if (frozenSince(w) === 0) return 0;
  const bytes = m.call('linearPanelBytes', N, IN, OUT);
  if (bytes === 0) return 0;
  let panels = m.derived.find(m, w, pw, 'linearPanels');
  if (panels === 0) {
    panels = m.block(bytes);
    m.run('linearPackWeights', [IN, OUT, pw, panels], IN * OUT);
    m.derived.keep(m, w, 'linearPanels', panels, bytes);
  }
  return panels;
}

export const linear = hostKernels({
  linearForward(m, y, x, w, b, g) {
    const { N, IN, OUT } = g;
    const py = m.output(y);
    const pw = m.input(w);
    const panels = keptPanels(m, w, pw, N, IN, OUT);
    if (N < m.call('linearFewRows')) {
      const kernel = panels === 0 ? 'linearForwardFewRows' : 'linearForwardFewRowsPacked';
      m.run(
        kernel,
        [N, IN, OUT, py, m.input(x), panels === 0 ? pw : panels, m.input(b)],
        N * IN * OUT,
      );
      return;
    }
    const [scratch, stride] = m.scratch(m.call('linearForwardScratchBytes', N, IN, OUT));
    const args = [N, IN, OUT, py, m.input(x), pw, panels, m.counter(), scratch, stride];
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
