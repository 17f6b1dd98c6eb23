/**
 * The decoder's fast kernels against the reference loops they replace (issue 14: each >= 10x),
 * on U-Net-lite's shapes at batch 32 (base 8, depth 3, 64x88): the transposed convolution of
 * `up: 'transpose'` (2x2, stride 2, 32 -> 16 channels, 16x22 -> 32x44) forward and both
 * gradients, and nearest and bilinear x2 upsampling (16 channels, 32x44 -> 64x88) forward and
 * backward; the skip concatenation (16 ++ 8 channels at 64x88) forward and backward, the detector
 * head's NCHW -> NHWC permutation (14 channels, 24x24) and batch norm's running-statistics update.
 * The fast kernels' operands live in the kernels' memory (backend.resident), as a
 * training step's do (runStep), so no call copies them; the reference's are plain arrays.
 */
import { referenceBackend, type KernelTable } from '../src/kernels/backend.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { Rng } from '../src/rng.js';
import { batchNorm2dGeometry } from '../src/shape/batch-norm2d.js';
import { concatGeometry } from '../src/shape/concat.js';
import { convTranspose2dGeometry } from '../src/shape/conv-transpose2d.js';
import { permuteGeometry } from '../src/shape/permute.js';
import { upsample2dGeometry } from '../src/shape/upsample2d.js';
import { Tensor } from '../src/tensor.js';

interface KernelPair {
  name: string;
  /** Runs the kernel from the given table once. */
  run: (kernels: Partial<KernelTable>) => void;
  /**
   * Counts toward issue 14's >= 10x target (the decoder's kernels). The layout copies do not:
   * the reference concat is already a native TypedArray.set per run, and the running-statistics
   * update is 16 values, where the call itself costs more than the loop.
   */
  target?: false;
}

function kernel<K extends keyof KernelTable>(table: Partial<KernelTable>, name: K): KernelTable[K] {
  const k = table[name];
  if (k === undefined) throw new Error(`${name} is not registered`);
  return k as KernelTable[K];
}

/** The pairs, their operands made by `array` (zeros of a length, in whichever memory). */
function pairsOf(batch: number, array: (length: number) => Float32Array): KernelPair[] {
  const rng = new Rng(0);
  const random = (length: number): Float32Array => {
    const values = array(length);
    for (let i = 0; i < length; i++) values[i] = rng.normal();
    return values;
  };
  const [C, F, H, W] = [32, 16, 16, 22];
  const t = convTranspose2dGeometry([batch, C, H, W], [C, F, 2, 2], { stride: 2 }, F);
  const tx = random(batch * C * H * W);
  const tw = random(C * F * 4);
  const tb = random(F);
  const ty = array(batch * F * t.OH * t.OW);
  const tdy = random(ty.length);
  const tdx = array(tx.length);
  const tdw = array(tw.length);
  const u = upsample2dGeometry([batch, F, 32, 44], { scaleFactor: 2 });
  const ux = random(batch * F * 32 * 44);
  const uy = array(batch * F * u.OH * u.OW);
  const udy = random(uy.length);
  const udx = array(ux.length);
  const c = concatGeometry(
    [
      [batch, 16, 64, 88],
      [batch, 8, 64, 88],
    ],
    1,
  );
  const cxs = [random(batch * 16 * 64 * 88), random(batch * 8 * 64 * 88)];
  const cy = array(cxs[0].length + cxs[1].length);
  const cdy = random(cy.length);
  const cdxs = cxs.map((x) => array(x.length));
  const p = permuteGeometry([batch, 14, 24, 24], [0, 2, 3, 1]);
  const px = random(p.size);
  const py = array(p.size);
  const pdy = random(p.size);
  const pdx = array(p.size);
  const b = batch2dStats(batch, random);
  const shape = `b${batch}`;
  return [
    {
      name: `convTranspose2d fwd ${shape} 32->16 16x22`,
      run: (k) => kernel(k, 'convTranspose2dForward')(ty, tx, tw, tb, t),
    },
    {
      name: `convTranspose2d bwd dx ${shape}`,
      run: (k) => kernel(k, 'convTranspose2dBackwardInput')(tdx, tdy, tw, t),
    },
    {
      name: `convTranspose2d bwd dw ${shape}`,
      run: (k) => kernel(k, 'convTranspose2dBackwardWeight')(tdw, tdy, tx, t),
    },
    {
      name: `upsample nearest fwd ${shape} 16 32x44`,
      run: (k) => kernel(k, 'upsampleNearest2dForward')(uy, ux, u),
    },
    {
      name: `upsample nearest bwd ${shape}`,
      run: (k) => kernel(k, 'upsampleNearest2dBackward')(udx, udy, u),
    },
    {
      name: `upsample bilinear fwd ${shape} 16 32x44`,
      run: (k) => kernel(k, 'upsampleBilinear2dForward')(uy, ux, u, {}),
    },
    {
      name: `upsample bilinear bwd ${shape}`,
      run: (k) => kernel(k, 'upsampleBilinear2dBackward')(udx, udy, u, {}),
    },
    {
      name: `concat fwd ${shape} 16++8 64x88`,
      target: false,
      run: (k) => kernel(k, 'concatForward')(cy, cxs, c),
    },
    {
      name: `concat bwd ${shape}`,
      target: false,
      run: (k) => kernel(k, 'concatBackward')(cdxs, cdy, c),
    },
    {
      name: `permute fwd ${shape} NCHW->NHWC 14 24x24`,
      target: false,
      run: (k) => kernel(k, 'permuteForward')(py, px, p),
    },
    {
      name: `permute bwd ${shape}`,
      target: false,
      run: (k) => kernel(k, 'permuteBackward')(pdx, pdy, p),
    },
    {
      name: `batchNorm2d running stats ${shape} 16 64x88`,
      target: false,
      run: (k) =>
        kernel(k, 'batchNorm2dUpdateRunningStats')(b.mean, b.variance, b.bm, b.bv, 0.1, b.g),
    },
  ];
}

/** Running and batch statistics of a 16-channel batch norm over (batch, 16, 64, 88). */
function batch2dStats(batch: number, random: (length: number) => Float32Array) {
  const g = batchNorm2dGeometry([batch, 16, 64, 88]);
  const positive = () => random(16).map((v) => Math.abs(v) + 0.5);
  return { g, mean: random(16), variance: positive(), bm: random(16), bv: positive() };
}

/** A kernel timed on both sides. */
export interface KernelSides {
  name: string;
  /** Counts toward the >= 10x target. */
  target: boolean;
  fast: () => void;
  reference: () => void;
}

/**
 * Each pair's two runs: the fast kernel on operands in the kernels' memory, the reference on
 * plain arrays holding the same values.
 */
export function kernelSides(backend: WasmBackend, batch: number): KernelSides[] {
  const resident = (length: number) =>
    backend.resident(() => Tensor.zeros([length])).data as Float32Array;
  const fast = pairsOf(batch, resident);
  const reference = pairsOf(batch, (length) => new Float32Array(length));
  return fast.map((pair, i) => ({
    name: pair.name,
    target: pair.target ?? true,
    fast: () => pair.run(backend.kernels),
    reference: () => reference[i].run(referenceBackend.kernels),
  }));
}
