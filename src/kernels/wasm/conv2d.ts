/**
 * conv2d on the WebAssembly kernels: im2col + SIMD GEMM (assembly/conv2d.ts, any convolution),
 * Winograd F(m,3) (assembly/winograd.ts, 3x3 stride 1) or, forward only, direct
 * (assembly/conv2d-direct.ts, few input channels), as conv2d-path.ts chooses, threaded.
 * The input gradient of a 3x3 stride-1 convolution with padding <= 2 is itself one (dy with the
 * filters flipped and transposed, padding 2 - pad), so it takes the same choice between im2col
 * and Winograd (where that choice is direct, im2col). The weight
 * gradient (assembly/winograd-weight-grad.ts) has its own choice (conv2dWeightGradientPath). The geometry
 * goes in as a record; scratch is per thread. The forward is conv2d-forward.ts's conv2dInto,
 * shared with the fused conv2dReluPoolForward (conv2d-relu-pool.ts).
 */
import type { Conv2dGeometry } from '../../shape/conv2d.js';
import { conv2dPath, conv2dWeightGradientPath, isWinograd, winogradTile } from './conv2d-path.js';
import { conv2dInto, EPILOGUE, winograd } from './conv2d-forward.js';
import { CONV2D_RECORD, recordValues } from './geometry-records.js';
import { hostKernels, type Marshal } from './marshal.js';

/**
 * dw = the weight gradient by Winograd: per chunk of about 256 tiles (whole tile rows of the
 * batch), the tiles' transforms and one GEMM per position added into dU; then the filter
 * transform. The chunks depend on the geometry only, so the sums run in the same order on any
 * thread count.
 */
function winogradWeightGradient(
  m: Marshal,
  tile: 2 | 4,
  dw: number,
  dy: number,
  x: number,
  geometry: number,
  g: Conv2dGeometry,
): void {
  const [v, dm, du] = [0, 1, 2].map((which) =>
    m.block(m.call('winogradGradBytes', geometry, tile, which)),
  );
  const [scratch, stride] = m.scratch(m.call('winogradGradScratchBytes', geometry, tile));
  const tileRows = g.N * Math.ceil(g.OH / tile);
  const chunk = m.call('winogradGradChunkRows', geometry, tile);
  for (let u0 = 0; u0 < tileRows; u0 += chunk) {
    const rows = Math.min(chunk, tileRows - u0);
    m.run('winogradGradTransforms', [geometry, tile, u0, rows, v, dm, x, dy, scratch, stride]);
    m.run('winogradGradGemm', [geometry, tile, rows, u0 > 0 ? 1 : 0, du, dm, v]);
  }
  m.run('winogradGradFilters', [geometry, tile, dw, du, scratch, stride]);
}

/** The input gradient as a convolution, dy:(N,F,OH,OW) -> dx:(N,C,H,W); null if padding > 2. */
function inputGradientGeometry(g: Conv2dGeometry): Conv2dGeometry | null {
  if (g.padH > 2 || g.padW > 2) return null;
  return {
    ...g,
    C: g.F,
    H: g.OH,
    W: g.OW,
    F: g.C,
    padH: 2 - g.padH,
    padW: 2 - g.padW,
    OH: g.H,
    OW: g.W,
  };
}

export const conv2d = hostKernels({
  conv2dForward(m, y, x, w, b, g) {
    const p = { y: m.output(y), x: m.input(x), w: m.input(w), b: m.input(b), s: 0, z: 0 };
    conv2dInto(m, p, g, EPILOGUE.none);
  },

  conv2dBackward(m, dx, dw, db, dy, x, w, g) {
    const geometry = m.int32(recordValues(CONV2D_RECORD, g));
    const pdy = m.input(dy);
    if (db !== null) m.run('conv2dBackwardBias', [geometry, m.output(db), pdy], dy.length);
    if (dx !== null) {
      const gt = inputGradientGeometry(g);
      const dxPath = gt === null ? 'im2col' : conv2dPath(gt);
      if (gt !== null && isWinograd(dxPath)) {
        const p = { y: m.output(dx), x: pdy, w: m.input(w), b: 0, s: 0, z: 0 };
        winograd(m, winogradTile(dxPath), p, gt, true, EPILOGUE.none);
      } else {
        const [scratch, stride] = m.scratch(m.call('conv2dScratchBytes', geometry, 0));
        m.run('conv2dBackwardInput', [geometry, m.output(dx), pdy, m.input(w), scratch, stride]);
      }
    }
    const dwPath = dw === null ? 'im2col' : conv2dWeightGradientPath(g);
    if (isWinograd(dwPath)) {
      const tile = dwPath === 'winograd4' ? 4 : 2;
      winogradWeightGradient(m, tile, m.output(dw), pdy, m.input(x), geometry, g);
    } else if (dw !== null) {
      const [scratch, stride] = m.scratch(m.call('conv2dScratchBytes', geometry, 0));
      m.run('conv2dBackwardWeight', [geometry, m.output(dw), pdy, m.input(x), scratch, stride]);
    }
  },
});
