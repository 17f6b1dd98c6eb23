/**
 * Runs of layers that Sequential and Graph run as one call (layerRun): in training, a batch norm
 * with its ReLU and a ReLU before a max pool (see layerRun); and kernel fusion in evaluation: a
 * Conv2d followed directly by a ReLU, or by a BatchNorm2d and a
 * ReLU, and optionally then by a MaxPool2d, runs as one kernel (ops/conv2d-relu-pool.ts: the
 * scale, ReLU and pooling done on each block of the convolution's output while it is in cache)
 * when nothing needs the outputs in between: the model is in evaluation mode, gradients are off,
 * and (Graph) no other node or output reads them and run() was not asked to keep them. It is a
 * choice of kernel, not a change of layers: the layers stay as they are, and whatever runs them
 * one at a time (feature maps, visualize, Graph.run with keep: 'all') sees every layer's output.
 *
 * A batch norm in evaluation is an affine map per channel, so it folds into the convolution's
 * per-filter scale s and shift b (computed in float64 at each call, F values, so weights and
 * statistics changed in place are always followed):
 *
 *   gamma * (conv(x, w) + bias - mean) / sqrt(var + eps) + beta = s * conv(x, w) + b,
 *   s = gamma / sqrt(var + eps),   b = beta + (bias - mean) * s
 *
 * The folded chain rounds differently from the layers one at a time (within float32 rounding);
 * without a batch norm the fused output is the layers' bitwise.
 */
import { isGradEnabled } from '../autograd.js';
import { conv2dReluPool } from '../ops/conv2d-relu-pool.js';
import { Tensor } from '../tensor.js';
import { BatchNorm2d } from './batch-norm2d.js';
import { Conv2d } from './conv2d.js';
import { MaxPool2d } from './max-pool2d.js';
import type { AnyModule } from './module.js';
import { ReLU } from './relu.js';

/** Whether a model in this mode may fuse its layers now: evaluation, gradients off. */
export function fusionAllowed(model: AnyModule): boolean {
  return !model.training && !isGradEnabled();
}

/** Exactly this class (a subclass may change forward). */
function isExactly<T extends AnyModule>(
  layer: AnyModule | undefined,
  type: new (...args: never[]) => T,
): layer is T {
  return layer !== undefined && Object.getPrototypeOf(layer) === type.prototype;
}

/** A batch norm with running statistics, in evaluation mode: it normalises with them. */
type EvalBatchNorm2d = BatchNorm2d & { readonly runningMean: Tensor; readonly runningVar: Tensor };

/** A run of layers that fuses: Conv2d, a BatchNorm2d if `norm`, ReLU, MaxPool2d if `pool`. */
interface FusedChain {
  conv: Conv2d;
  norm: EvalBatchNorm2d | null;
  pool: MaxPool2d | null;
  /** The layers it stands for: 2 to 4. */
  length: number;
}

/**
 * A batch norm over the convolution's F channels that normalises with running statistics now
 * (one over another count is left to run alone, and to say so).
 */
function isEvalBatchNorm(layer: AnyModule | undefined, F: number): layer is EvalBatchNorm2d {
  return (
    isExactly(layer, BatchNorm2d) &&
    !layer.training &&
    layer.runningMean !== null &&
    layer.runningVar !== null &&
    layer.numFeatures === F
  );
}

/**
 * The fused chain starting a run of layers, or null. `at(i)` is the run's i-th layer, or
 * undefined where the run stops (the caller ends it where an intermediate output is needed
 * elsewhere).
 */
function fusedChain(at: (i: number) => AnyModule | undefined): FusedChain | null {
  const conv = at(0);
  if (!isExactly(conv, Conv2d)) return null;
  const next = at(1);
  const norm = isEvalBatchNorm(next, conv.outChannels) ? next : null;
  const reluAt = norm === null ? 1 : 2;
  if (!isExactly(at(reluAt), ReLU)) return null;
  const after = at(reluAt + 1);
  const pool = isExactly(after, MaxPool2d) ? after : null;
  return { conv, norm, pool, length: reluAt + 1 + (pool === null ? 0 : 1) };
}

/** A run of layers that runs as one call: how many layers it stands for, and the call. */
export interface LayerRun {
  length: number;
  run(x: Tensor): Tensor;
}

/**
 * How a run of layers starting at `at(0)` runs, if not one layer at a time: with `fuse` (evaluation,
 * gradients off), a fused chain (Conv2d [, BatchNorm2d], ReLU [, MaxPool2d]) as one kernel; else
 *
 * - a BatchNorm2d directly followed by a ReLU as one op (BatchNorm2d.forwardRelu: in training
 *   the fused kernels, the ReLU in the normalising pass and its mask in the backward's; the same
 *   values as the two layers, the ReLU's gradient taken where the batch norm's output is > 0);
 * - a ReLU directly followed by a max pooling as the pooling, then the ReLU: the same values and
 *   gradients bitwise (relu is monotonic, so max(relu(a), relu(b)) = relu(max(a, b)), NaN and -0
 *   included; a window whose maximum is positive sends its gradient to the same first maximum
 *   either way, one whose maximum is not sends none), with the ReLU on the pooled tensor, a
 *   quarter of the elements for 2x2 pooling, forward and backward.
 *
 * `at(i)` is undefined where an intermediate output is needed elsewhere, as for fusedChain.
 */
export function layerRun(at: (i: number) => AnyModule | undefined, fuse: boolean): LayerRun | null {
  const chain = fuse ? fusedChain(at) : null;
  if (chain !== null) return { length: chain.length, run: (x) => runFused(chain, x) };
  const first = at(0);
  const second = at(1);
  if (isExactly(first, BatchNorm2d) && isExactly(second, ReLU)) {
    return { length: 2, run: (x) => first.forwardRelu(x) };
  }
  if (isExactly(first, ReLU) && isExactly(second, MaxPool2d)) {
    return { length: 2, run: (x) => first.forward(second.forward(x)) };
  }
  return null;
}

/** s and b of a batch norm folded into its convolution (see the top of this file). */
function foldedNorm(conv: Conv2d, norm: EvalBatchNorm2d): { scale: Tensor; shift: Tensor } {
  const { runningMean, runningVar, weight: gamma, bias: beta, eps } = norm;
  const F = norm.numFeatures;
  const scale = Tensor.empty([F], conv.weight.dtype);
  const shift = Tensor.empty([F], conv.weight.dtype);
  for (let f = 0; f < F; f++) {
    const s = (gamma === null ? 1 : gamma.data[f]) / Math.sqrt(runningVar.data[f] + eps);
    const bias = conv.bias === null ? 0 : conv.bias.data[f];
    scale.data[f] = s;
    shift.data[f] = (beta === null ? 0 : beta.data[f]) + (bias - runningMean.data[f]) * s;
  }
  return { scale, shift };
}

/** The fused chain's output: maxPool(relu(bn(conv(x)))), each of bn and pool where present. */
function runFused({ conv, norm, pool }: FusedChain, x: Tensor): Tensor {
  const { stride, padding, dilation, groups } = conv;
  const poolOptions =
    pool === null
      ? null
      : { kernelSize: pool.kernelSize, stride: pool.stride, padding: pool.padding };
  const convOptions = { stride, padding, dilation, groups };
  if (norm === null) return conv2dReluPool(x, conv.weight, conv.bias, convOptions, poolOptions);
  const { scale, shift } = foldedNorm(conv, norm);
  return conv2dReluPool(x, conv.weight, shift, convOptions, poolOptions, scale);
}
