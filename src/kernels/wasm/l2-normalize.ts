/**
 * L2 normalisation along one axis on the WebAssembly kernels (assembly/l2-normalize.ts),
 * threaded over fibres; eps as f64, the geometry (outer, size, inner) as integers.
 */
import { hostKernels } from './marshal.js';

export const l2Normalize = hostKernels({
  l2NormalizeForward(m, y, x, eps, g) {
    const args = [m.output(y), m.input(x), g.outer, g.size, g.inner, m.float64(eps)];
    m.run('l2NormalizeForward', args, x.length);
  },

  l2NormalizeBackward(m, dx, dy, x, eps, g) {
    const args = [m.output(dx), m.input(dy), m.input(x), g.outer, g.size, g.inner];
    m.run('l2NormalizeBackward', [...args, m.float64(eps)], 2 * x.length);
  },
});
