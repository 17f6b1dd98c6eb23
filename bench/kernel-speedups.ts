/**
 * The decoder's fast kernels against the reference loops they replace (issue 14: each >= 10x),
 * on U-Net-lite's shapes at batch 32 (base 8, depth 3, 64x88): the transposed convolution of
 * `up: 'transpose'` (2x2, stride 2, 32 -> 16 channels, 16x22 -> 32x44) forward and both
 * gradients, and nearest and bilinear x2 upsampling (16 channels, 32x44 -> 64x88) forward and
 * backward. The fast kernels' operands live in the kernels' memory (backend.resident), as a
 * training step's do (runStep), so no call copies them; the reference's are plain arrays.
 * Also the digit detector's losses at the same batch: binary cross-entropy on logits of its
 * centre heatmap (10 classes, 24x24) against all-ones targets, as its focal loss calls it, and
 * smooth L1 with beta 0 on its size map (2 channels, 24x24), forward and backward; and the
 * search app's L2 normalisation of (batch, 128) embeddings.
 */
import { referenceBackend, type KernelTable } from '../src/kernels/backend.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { Rng } from '../src/rng.js';
import { convTranspose2dGeometry } from '../src/shape/conv-transpose2d.js';
import { upsample2dGeometry } from '../src/shape/upsample2d.js';
import { Tensor } from '../src/tensor.js';

interface KernelPair {
  name: string;
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
      name: `bce with logits fwd ${shape} 10 24x24`,
      run: (k) => kernel(k, 'binaryCrossEntropyWithLogitsForward')(losses, heatmap, ones, null),
    },
    {
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
      name: `smooth L1 fwd ${shape} 2 24x24 beta 0`,
      run: (k) => kernel(k, 'smoothL1LossForward')(sizeLosses, sizes, sizeTarget, 0),
    },
    {
      name: `smooth L1 bwd dx ${shape}`,
      run: (k) => kernel(k, 'smoothL1LossBackward')(dsizes, null, sizeLosses, sizes, sizeTarget, 0),
    },
    {
      name: `l2Normalize fwd ${shape} 128`,
      run: (k) => kernel(k, 'l2NormalizeForward')(normalized, embeddings, 1e-12, rows),
    },
    {
      name: `l2Normalize bwd ${shape}`,
      run: (k) =>
        kernel(k, 'l2NormalizeBackward')(dembeddings, normalized, embeddings, 1e-12, rows),
    },
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
  ];
}

/** A kernel timed on both sides. */
export interface KernelSides {
  name: string;
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
    fast: () => pair.run(backend.kernels),
    reference: () => reference[i].run(referenceBackend.kernels),
  }));
}
