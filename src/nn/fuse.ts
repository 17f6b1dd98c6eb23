/**
 * Kernel fusion in evaluation: a Conv2d followed directly by a ReLU, and optionally by a
 * MaxPool2d, runs as one kernel (ops/conv2d-relu-pool.ts: the ReLU and pooling done on each
 * block of the convolution's output while it is in cache) when nothing needs the outputs in
 * between: the model is in evaluation mode, gradients are off, and (Graph) no other node or
 * output reads them and run() was not asked to keep them. It is a choice of kernel, not a change
 * of layers: the layers stay as they are, and whatever runs them one at a time (feature maps,
 * visualize, Graph.run with keep: 'all') sees every layer's output.
 */
import { isGradEnabled } from '../autograd.js';
import { conv2dReluPool } from '../ops/conv2d-relu-pool.js';
import type { Tensor } from '../tensor.js';
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

/** A run of layers that fuses: Conv2d, ReLU and, if `pool` is not null, MaxPool2d. */
export interface FusedChain {
  conv: Conv2d;
  pool: MaxPool2d | null;
  /** The layers it stands for: 2 or 3. */
  length: 2 | 3;
}

/**
 * The fused chain starting a run of layers, or null. `at(i)` is the run's i-th layer, or
 * undefined where the run stops (the caller ends it where an intermediate output is needed
 * elsewhere).
 */
export function fusedChain(at: (i: number) => AnyModule | undefined): FusedChain | null {
  const conv = at(0);
  if (!isExactly(conv, Conv2d) || !isExactly(at(1), ReLU)) return null;
  const pool = at(2);
  return isExactly(pool, MaxPool2d) ? { conv, pool, length: 3 } : { conv, pool: null, length: 2 };
}

/** The fused chain's output: maxPool(relu(conv(x))), or relu(conv(x)) without the pool. */
export function runFused({ conv, pool }: FusedChain, x: Tensor): Tensor {
  const { stride, padding, dilation, groups } = conv;
  const poolOptions =
    pool === null
      ? null
      : { kernelSize: pool.kernelSize, stride: pool.stride, padding: pool.padding };
  return conv2dReluPool(
    x,
    conv.weight,
    conv.bias,
    { stride, padding, dilation, groups },
    poolOptions,
  );
}
