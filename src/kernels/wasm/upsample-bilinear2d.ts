/**
 * Bilinear upsampling on the WebAssembly kernels (assembly/upsample-bilinear2d.ts): separable,
 * threaded over output rows (forward) or planes (backward). The host computes each axis's taps
 * once per call (src/shape/upsample-taps.ts), with the weights 1 - l and l rounded to float32.
 */
import { bilinearTaps } from '../../shape/upsample-taps.js';
import type { Upsample2dGeometry } from '../../shape/upsample2d.js';
import type { UpsampleBilinearMode } from '../backend.js';
import { UPSAMPLE2D_RECORD, recordValues } from './geometry-records.js';
import { hostKernels, type Marshal } from './marshal.js';

/** [geometry, rows, rowWeights, cols, colWeights]: the pointers both kernels read first. */
function tables(m: Marshal, g: Upsample2dGeometry, alignCorners: boolean): number[] {
  const axis = (size: number, outSize: number, scale: number): [number, number] => {
    const { first, second, weight } = bilinearTaps(size, outSize, scale, alignCorners);
    const weights = new Float32Array(2 * outSize);
    for (let i = 0; i < outSize; i++) {
      weights[i] = 1 - weight[i];
      weights[outSize + i] = weight[i];
    }
    return [m.int32([...first, ...second]), m.input(weights)];
  };
  const geometry = m.int32(recordValues(UPSAMPLE2D_RECORD, g));
  return [geometry, ...axis(g.H, g.OH, g.scaleH), ...axis(g.W, g.OW, g.scaleW)];
}

export const upsampleBilinear2d = hostKernels({
  upsampleBilinear2dForward(m, y, x, g, mode: UpsampleBilinearMode = {}) {
    const [geometry, ...taps] = tables(m, g, mode.alignCorners ?? false);
    const [scratch, stride] = m.scratch(2 * g.OW * 4);
    const args = [geometry, m.output(y), m.input(x), ...taps, scratch, stride];
    m.run('upsampleBilinear2dForward', args);
  },

  upsampleBilinear2dBackward(m, dx, dy, g, mode: UpsampleBilinearMode = {}) {
    const [geometry, ...taps] = tables(m, g, mode.alignCorners ?? false);
    const [scratch, stride] = m.scratch(g.W * 4);
    const args = [geometry, m.output(dx), m.input(dy), ...taps, scratch, stride];
    m.run('upsampleBilinear2dBackward', args);
  },
});
