/**
 * The decoder's fast kernels against the reference loops they replace (issue 14: each >= 10x),
 * on U-Net-lite's shapes at batch 32 (base 8, depth 3, 64x88): the transposed convolution of
 * `up: 'transpose'` (2x2, stride 2, 32 -> 16 channels, 16x22 -> 32x44) forward and both
 * gradients, and nearest and bilinear x2 upsampling (16 channels, 32x44 -> 64x88) forward and
 * backward; the segmentation loss's reductions on the logits (batch, 11 classes, 64x88): sum
 * and mean over (N,H,W) per class, softmax and log-softmax over the classes, forward and
 * backward; the layout copies: the skip concatenation (16 ++ 8 channels at 64x88) forward and
 * backward, the detector head's NCHW -> NHWC permutation (14 channels, 24x24) and batch norm's
 * running-statistics update. The fast kernels' operands live in the kernels' memory
 * (backend.resident), as a training step's do (runStep), so no call copies them; the
 * reference's are plain arrays.
 */
import { referenceBackend, type KernelTable } from '../src/kernels/backend.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { Rng } from '../src/rng.js';
import { axisGeometry } from '../src/shape/axis.js';
import { batchNorm2dGeometry } from '../src/shape/batch-norm2d.js';
import { concatGeometry } from '../src/shape/concat.js';
import { convTranspose2dGeometry } from '../src/shape/conv-transpose2d.js';
import { permuteGeometry } from '../src/shape/permute.js';
import { reduceGeometry } from '../src/shape/reduce.js';
import { upsample2dGeometry } from '../src/shape/upsample2d.js';
import { Tensor } from '../src/tensor.js';

/**
 * decoder: the kernels issue 14 asks >= 10x of; loss: the losses' reductions and elementwise
 * terms; layout: copies (the reference concat is already a native TypedArray.set per run, and
 * the running-statistics update is a loop over 16 values, where a call costs more than it).
 */
export type KernelGroup = 'decoder' | 'loss' | 'layout';

interface KernelPair {
  name: string;
  group: KernelGroup;
  /** Runs the kernel from the given table once. */
  run: (kernels: Partial<KernelTable>) => void;
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
  const logits = [batch, 11, 64, 88];
  const r = reduceGeometry(logits, [0, 2, 3], 'bench');
  const s = axisGeometry(logits, 1, 'bench');
  const lx = random(r.size);
  const ly = array(r.size);
  const ldy = random(r.size);
  const ldx = array(r.size);
  const sums = array(r.outSize);
  const dsums = random(r.outSize);
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
      group: 'decoder',
      name: `convTranspose2d fwd ${shape} 32->16 16x22`,
      run: (k) => kernel(k, 'convTranspose2dForward')(ty, tx, tw, tb, t),
    },
    {
      group: 'decoder',
      name: `convTranspose2d bwd dx ${shape}`,
      run: (k) => kernel(k, 'convTranspose2dBackwardInput')(tdx, tdy, tw, t),
    },
    {
      group: 'decoder',
      name: `convTranspose2d bwd dw ${shape}`,
      run: (k) => kernel(k, 'convTranspose2dBackwardWeight')(tdw, tdy, tx, t),
    },
    {
      group: 'decoder',
      name: `upsample nearest fwd ${shape} 16 32x44`,
      run: (k) => kernel(k, 'upsampleNearest2dForward')(uy, ux, u),
    },
    {
      group: 'decoder',
      name: `upsample nearest bwd ${shape}`,
      run: (k) => kernel(k, 'upsampleNearest2dBackward')(udx, udy, u),
    },
    {
      group: 'decoder',
      name: `upsample bilinear fwd ${shape} 16 32x44`,
      run: (k) => kernel(k, 'upsampleBilinear2dForward')(uy, ux, u, {}),
    },
    {
      group: 'decoder',
      name: `upsample bilinear bwd ${shape}`,
      run: (k) => kernel(k, 'upsampleBilinear2dBackward')(udx, udy, u, {}),
    },
    {
      group: 'loss',
      name: `sum fwd ${shape} 11 64x88 over (0,2,3)`,
      run: (k) => kernel(k, 'sumForward')(sums, lx, r),
    },
    {
      group: 'loss',
      name: `sum bwd ${shape}`,
      run: (k) => kernel(k, 'sumBackward')(ldx, dsums, r),
    },
    {
      group: 'loss',
      name: `mean fwd ${shape} 11 64x88 over (0,2,3)`,
      run: (k) => kernel(k, 'meanForward')(sums, lx, r),
    },
    {
      group: 'loss',
      name: `mean bwd ${shape}`,
      run: (k) => kernel(k, 'meanBackward')(ldx, dsums, r),
    },
    {
      group: 'loss',
      name: `softmax fwd ${shape} 11 64x88 over axis 1`,
      run: (k) => kernel(k, 'softmaxAxisForward')(ly, lx, s),
    },
    {
      group: 'loss',
      name: `softmax bwd ${shape}`,
      run: (k) => kernel(k, 'softmaxAxisBackward')(ldx, ldy, ly, s),
    },
    {
      group: 'loss',
      name: `logSoftmax fwd ${shape} 11 64x88 over axis 1`,
      run: (k) => kernel(k, 'logSoftmaxForward')(ly, lx, s),
    },
    {
      group: 'loss',
      name: `logSoftmax bwd ${shape}`,
      run: (k) => kernel(k, 'logSoftmaxBackward')(ldx, ldy, ly, s),
    },
    {
      name: `concat fwd ${shape} 16++8 64x88`,
      group: 'layout',
      run: (k) => kernel(k, 'concatForward')(cy, cxs, c),
    },
    {
      name: `concat bwd ${shape}`,
      group: 'layout',
      run: (k) => kernel(k, 'concatBackward')(cdxs, cdy, c),
    },
    {
      name: `permute fwd ${shape} NCHW->NHWC 14 24x24`,
      group: 'layout',
      run: (k) => kernel(k, 'permuteForward')(py, px, p),
    },
    {
      name: `permute bwd ${shape}`,
      group: 'layout',
      run: (k) => kernel(k, 'permuteBackward')(pdx, pdy, p),
    },
    {
      name: `batchNorm2d running stats ${shape} 16 64x88`,
      group: 'layout',
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
  group: KernelGroup;
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
    group: pair.group,
    fast: () => pair.run(backend.kernels),
    reference: () => reference[i].run(referenceBackend.kernels),
  }));
}
