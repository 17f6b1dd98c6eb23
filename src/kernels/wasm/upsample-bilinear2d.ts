/**
 * Bilinear upsampling on the WebAssembly kernels (assembly/upsample-bilinear2d.ts): separable,
 * threaded over output rows (forward) or planes (backward). The host computes each axis's taps
 * once per call (src/shape/upsample-taps.ts), with the weights 1 - l and l rounded to float32,
 * and for the backward the column taps transposed (which output columns read each input one).
 */
import { bilinearTaps } from '../../shape/upsample-taps.js';
import type { Upsample2dGeometry } from '../../shape/upsample2d.js';
import type { UpsampleBilinearMode } from '../backend.js';
import { UPSAMPLE2D_RECORD, recordValues } from './geometry-records.js';
import { hostKernels } from './marshal.js';

interface AxisTaps {
  /** first[out], then second[out] */
  taps: Int32Array;
  /** 1 - l[out], then l[out] */
  weights: Float32Array;
}

function axisTaps(size: number, outSize: number, scale: number, alignCorners: boolean): AxisTaps {
  const { first, second, weight } = bilinearTaps(size, outSize, scale, alignCorners);
  const taps = new Int32Array(2 * outSize);
  const weights = new Float32Array(2 * outSize);
  for (let i = 0; i < outSize; i++) {
    taps[i] = first[i];
    taps[outSize + i] = second[i];
    weights[i] = 1 - weight[i];
    weights[outSize + i] = weight[i];
  }
  return { taps, weights };
}

/**
 * The taps transposed: for input index w, the output indices that read it and their weights,
 * in order of output index (first tap before second): entries starts[w] .. starts[w+1].
 */
function transposed(
  { taps, weights }: AxisTaps,
  size: number,
  outSize: number,
): { starts: Int32Array; entries: Int32Array; weights: Float32Array } {
  const starts = new Int32Array(size + 1);
  for (const w of taps) starts[w + 1]++;
  for (let w = 0; w < size; w++) starts[w + 1] += starts[w];
  const next = starts.slice(0, size);
  const entries = new Int32Array(2 * outSize);
  const entryWeights = new Float32Array(2 * outSize);
  for (let j = 0; j < outSize; j++) {
    for (const k of [j, outSize + j]) {
      const e = next[taps[k]]++;
      entries[e] = j;
      entryWeights[e] = weights[k];
    }
  }
  return { starts, entries, weights: entryWeights };
}

function mode(m: UpsampleBilinearMode | undefined): boolean {
  return m?.alignCorners ?? false;
}

export const upsampleBilinear2d = hostKernels({
  upsampleBilinear2dForward(m, y, x, g, options) {
    const rows = axisTaps(g.H, g.OH, g.scaleH, mode(options));
    const cols = axisTaps(g.W, g.OW, g.scaleW, mode(options));
    const [scratch, stride] = m.scratch(2 * g.OW * 4);
    const args = [
      m.int32(recordValues(UPSAMPLE2D_RECORD, g)),
      m.output(y),
      m.input(x),
      m.int32(rows.taps),
      m.input(rows.weights),
      m.int32(cols.taps),
      m.input(cols.weights),
      scratch,
      stride,
    ];
    m.run('upsampleBilinear2dForward', args, 4 * y.length);
  },

  upsampleBilinear2dBackward(m, dx, dy, g, options) {
    const rows = axisTaps(g.H, g.OH, g.scaleH, mode(options));
    const cols = transposed(axisTaps(g.W, g.OW, g.scaleW, mode(options)), g.W, g.OW);
    const [scratch, stride] = m.scratch(g.H * g.OW * 4);
    const args = [
      m.int32(recordValues(UPSAMPLE2D_RECORD, g)),
      m.output(dx),
      m.input(dy),
      m.int32(rows.taps),
      m.input(rows.weights),
      m.int32(cols.starts),
      m.int32(cols.entries),
      m.input(cols.weights),
      scratch,
      stride,
    ];
    m.run('upsampleBilinear2dBackward', args, 4 * dy.length);
  },
});
