/**
 * Bilinear upsampling on the WebAssembly kernels. Doubling both axes with alignCorners false
 * (the U-Net decoder's) runs on fixed 1/4, 3/4 weights (assembly/upsample-bilinear2d-x2.ts);
 * every other geometry on the general kernels (assembly/upsample-bilinear2d.ts): separable,
 * threaded over output rows (forward) or planes (backward). For those the host computes each
 * axis's taps once per call (src/shape/upsample-taps.ts), with the weights 1 - l and l rounded
 * to float32, and for the backward the column taps transposed (which output columns read each
 * input one).
 */
import { bilinearTaps } from '../../shape/upsample-taps.js';
import type { Upsample2dGeometry } from '../../shape/upsample2d.js';
import type { FloatArray } from '../../tensor.js';
import type { UpsampleBilinearMode } from '../backend.js';
import { UPSAMPLE2D_RECORD, recordValues } from './geometry-records.js';
import { hostKernels, type Marshal } from './marshal.js';

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

/**
 * Both axes doubled with pixel centres aligned: output index i samples max(i/2 - 1/4, 0), so
 * every tap weight is 0, 1/4, 3/4 or 1 (the fixed-weight kernels' condition).
 */
function doubles(g: Upsample2dGeometry, alignCorners: boolean): boolean {
  return (
    !alignCorners && g.OH === 2 * g.H && g.OW === 2 * g.W && g.scaleH === 0.5 && g.scaleW === 0.5
  );
}

/** The fixed-weight kernel `name`: (out, in) and per-thread scratch of `scratchFloats`. */
function runDoubling(
  m: Marshal,
  name: string,
  out: FloatArray,
  input: FloatArray,
  g: Upsample2dGeometry,
  scratchFloats: number,
  work: number,
): void {
  const [scratch, stride] = m.scratch(scratchFloats * 4);
  const args = [m.int32(recordValues(UPSAMPLE2D_RECORD, g)), m.output(out), m.input(input)];
  m.run(name, [...args, scratch, stride], work);
}

export const upsampleBilinear2d = hostKernels({
  upsampleBilinear2dForward(m, y, x, g, options) {
    if (doubles(g, mode(options))) {
      const rowFloats = (g.OW + 3) & ~3;
      runDoubling(m, 'upsampleBilinear2dX2Forward', y, x, g, 3 * rowFloats, 4 * y.length);
      return;
    }
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
    if (doubles(g, mode(options))) {
      runDoubling(m, 'upsampleBilinear2dX2Backward', dx, dy, g, g.OW + 8, 4 * dy.length);
      return;
    }
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
