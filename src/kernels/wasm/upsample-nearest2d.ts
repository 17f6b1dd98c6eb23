/**
 * Nearest upsampling on the WebAssembly kernels (assembly/upsample-nearest2d.ts), threaded over
 * rows. The host computes the index maps once per call (src/shape/upsample-taps.ts): the source
 * of every output row and column for the forward, and for the backward where each input row's
 * and column's run of copies starts.
 */
import { nearestSourceIndex } from '../../shape/upsample-taps.js';
import type { Upsample2dGeometry } from '../../shape/upsample2d.js';
import { UPSAMPLE2D_RECORD, recordValues } from './geometry-records.js';
import { hostKernels } from './marshal.js';

/** source[i] for every output index i along one axis. */
function sources(size: number, outSize: number, scale: number): Int32Array {
  return Int32Array.from({ length: outSize }, (_, i) => nearestSourceIndex(i, scale, size));
}

/** starts[h] = the first output index whose source is at least h, for h = 0 .. size. */
function runStarts(size: number, outSize: number, scale: number): Int32Array {
  const starts = new Int32Array(size + 1);
  let h = 0;
  for (let i = 0; i < outSize; i++) {
    const source = nearestSourceIndex(i, scale, size);
    while (h <= source) starts[h++] = i;
  }
  while (h <= size) starts[h++] = outSize;
  return starts;
}

/** 1 when output column j reads input column floor(j/2) and OW = 2W (the f32x4 path). */
function pairs(g: Upsample2dGeometry): number {
  if (g.OW !== 2 * g.W) return 0;
  for (let j = 0; j < g.OW; j++) if (nearestSourceIndex(j, g.scaleW, g.W) !== j >> 1) return 0;
  return 1;
}

export const upsampleNearest2d = hostKernels({
  upsampleNearest2dForward(m, y, x, g) {
    const geometry = m.int32(recordValues(UPSAMPLE2D_RECORD, g));
    const rows = m.int32(sources(g.H, g.OH, g.scaleH));
    const cols = m.int32(sources(g.W, g.OW, g.scaleW));
    const args = [geometry, m.output(y), m.input(x), rows, cols, pairs(g)];
    m.run('upsampleNearest2dForward', args, y.length);
  },

  upsampleNearest2dBackward(m, dx, dy, g) {
    const geometry = m.int32(recordValues(UPSAMPLE2D_RECORD, g));
    const rows = m.int32(runStarts(g.H, g.OH, g.scaleH));
    const cols = m.int32(runStarts(g.W, g.OW, g.scaleW));
    const args = [geometry, m.output(dx), m.input(dy), rows, cols, pairs(g)];
    m.run('upsampleNearest2dBackward', args, dy.length);
  },
});
