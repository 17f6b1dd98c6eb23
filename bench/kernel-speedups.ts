/**
 * The apps' fast kernels against the reference loops they replace (issue 14: the decoder's each
 * >= 10x),
 * on U-Net-lite's shapes at batch 32 (base 8, depth 3, 64x88): the transposed convolution of
 * `up: 'transpose'` (2x2, stride 2, 32 -> 16 channels, 16x22 -> 32x44) forward and both
 * gradients, and nearest and bilinear x2 upsampling (16 channels, 32x44 -> 64x88) forward and
 * backward; the segmentation loss's reductions on the logits (batch, 11 classes, 64x88): sum
 * and mean over (N,H,W) per class, softmax and log-softmax over the classes, forward and
 * backward; the layout copies: the skip concatenation (16 ++ 8 channels at 64x88) forward and
 * backward, the detector head's NCHW -> NHWC permutation (14 channels, 24x24) and batch norm's
 * running-statistics update. The fast kernels' operands live in the kernels' memory
 * (backend.resident), as a training step's do (runStep), so no call copies them; the
 * reference's are plain arrays. Also the digit detector's losses at the same batch: binary
 * cross-entropy on logits of its centre heatmap (10 classes, 24x24) against all-ones targets,
 * as its focal loss calls it, and smooth L1 with beta 0 on its size map (2 channels, 24x24),
 * forward and backward; and the search app's L2 normalisation of (batch, 128) embeddings.
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
  const heatmap = random(batch * 10 * 24 * 24);
  const ones = array(heatmap.length).fill(1);
  const losses = array(heatmap.length);
  const dlosses = random(heatmap.length);
  const dheatmap = array(heatmap.length);
  const sizes = random(batch * 2 * 24 * 24);
  const sizeTarget = random(sizes.length);
  const sizeLosses = array(sizes.length);
  const dsizes = array(sizes.length);
  const embeddings = random(batch * 128);
  const normalized = array(embeddings.length);
  const dembeddings = array(embeddings.length);
  const rows = { outer: batch, size: 128, inner: 1 };
  return [
    {
      group: 'loss',
      name: `bce with logits fwd ${shape} 10 24x24`,
      run: (k) => kernel(k, 'binaryCrossEntropyWithLogitsForward')(losses, heatmap, ones, null),
    },
    {
      group: 'loss',
      name: `bce with logits bwd dx ${shape}`,
      run: (k) =>
        kernel(k, 'binaryCrossEntropyWithLogitsBackward')(
          dheatmap,
          null,
          dlosses,
          heatmap,
          ones,
          null,
        ),
    },
    {
      group: 'loss',
      name: `smooth L1 fwd ${shape} 2 24x24 beta 0`,
      run: (k) => kernel(k, 'smoothL1LossForward')(sizeLosses, sizes, sizeTarget, 0),
    },
    {
      group: 'loss',
      name: `smooth L1 bwd dx ${shape}`,
      run: (k) => kernel(k, 'smoothL1LossBackward')(dsizes, null, sizeLosses, sizes, sizeTarget, 0),
    },
    {
      group: 'loss',
      name: `l2Normalize fwd ${shape} 128`,
      run: (k) => kernel(k, 'l2NormalizeForward')(normalized, embeddings, 1e-12, rows),
    },
    {
      group: 'loss',
      name: `l2Normalize bwd ${shape}`,
      run: (k) =>
        kernel(k, 'l2NormalizeBackward')(dembeddings, normalized, embeddings, 1e-12, rows),
    },
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
