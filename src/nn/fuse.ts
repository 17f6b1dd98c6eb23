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
function isExactly<T>(layer: AnyModule | undefined, type: new (...args: never[]) => T): boolean {
  return layer !== undefined && Object.getPrototypeOf(layer) === type.prototype;
}

/**
 * How many layers from a chain fuse: 3 (Conv2d, ReLU, MaxPool2d), 2 (Conv2d, ReLU) or 0.
 * `at(i)` is the chain's i-th layer, or undefined where the chain stops (the caller ends it
 * where an intermediate output is needed elsewhere).
 */
export function fusedLength(at: (i: number) => AnyModule | undefined): 0 | 2 | 3 {
  if (!isExactly(at(0), Conv2d) || !isExactly(at(1), ReLU)) return 0;
  return isExactly(at(2), MaxPool2d) ? 3 : 2;
}

/** The fused chain's output: maxPool(relu(conv(x))), or relu(conv(x)) without the pool. */
export function runFused(conv: AnyModule, pool: AnyModule | null, x: Tensor): Tensor {
  if (!(conv instanceof Conv2d)) throw new TypeError('runFused: the first layer is not a Conv2d');
  if (pool !== null && !(pool instanceof MaxPool2d)) {
    throw new TypeError('runFused: the pooling layer is not a MaxPool2d');
  }
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
