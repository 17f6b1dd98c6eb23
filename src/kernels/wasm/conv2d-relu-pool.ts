/**
 * conv2dReluPoolForward on the WebAssembly kernels: the forward convolution (conv2d-forward.ts)
 * with its per-filter scale and shift (a folded batch norm), ReLU, and a 2x2 stride-2 max pooling, run by each thread on its own block of output
 * while it is in cache, so the convolution's full output is never written out and read back.
 * Other poolings run the max pool kernel after the fused ReLU, on the output in this call's
 * memory. This kernel runs inference (src/nn/fuse.ts), so Winograd keeps its transformed filters
 * between calls (weight-cache.ts).
 */
import type { Pool2dGeometry } from '../../shape/pool2d.js';
import { conv2dInto, EPILOGUE } from './conv2d-forward.js';
import { POOL2D_RECORD, recordValues } from './geometry-records.js';
import { hostKernels } from './marshal.js';

/** Whether the epilogue pools this: 2x2 windows, stride 2, no padding. */
function pooledInEpilogue(pool: Pool2dGeometry): boolean {
  const { KH, KW, strideH, strideW, padH, padW } = pool;
  return KH === 2 && KW === 2 && strideH === 2 && strideW === 2 && padH === 0 && padW === 0;
}

export const conv2dReluPool = hostKernels({
  conv2dReluPoolForward(m, y, x, w, b, s, g, pool) {
    const p = { y: 0, x: m.input(x), w: m.input(w), b: m.input(b), s: m.input(s), z: 0 };
    if (pool === null) {
      p.y = m.output(y);
      conv2dInto(m, p, g, EPILOGUE.relu, w);
    } else if (pooledInEpilogue(pool)) {
      p.z = m.output(y);
      conv2dInto(m, p, g, EPILOGUE.reluPool, w);
    } else {
      p.y = m.block(g.N * g.F * g.OH * g.OW * 4);
      conv2dInto(m, p, g, EPILOGUE.relu, w);
      const geometry = m.int32(recordValues(POOL2D_RECORD, pool));
      m.run('maxPool2dForward', [geometry, m.output(y), p.y], y.length * pool.KH * pool.KW);
    }
  },
});
