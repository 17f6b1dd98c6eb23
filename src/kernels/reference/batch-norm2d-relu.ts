/**
 * A training-mode batch norm and its ReLU as one kernel pair: what a BatchNorm2d followed by a
 * ReLU computes in training (src/nn/fuse.ts), the ReLU taken in the normalising pass and its
 * mask in the backward's passes, so neither the normalised map nor its gradient is written and
 * read again. This reference is the composition of the reference kernels, its spec.
 *
 *   x:(N,C,H,W) -> y = relu(batchNorm(x)):(N,C,H,W), with the batch mean and biased variance
 *   dy -> dx, dgamma, dbeta of batchNorm at dy * [y > 0]     (the ReLU's gradient, read from y)
 *
 * y > 0 exactly where the batch norm's output is (relu keeps a NaN, which is not > 0), so the
 * mask from y is the ReLU backward's. Every function overwrites its outputs; a null output in the
 * backward is skipped.
 */
import type { BatchNorm2dGeometry } from '../../shape/batch-norm2d.js';
import type { FloatArray } from '../../tensor.js';
import { batchNorm2dBackwardTrain, batchNorm2dForwardTrain } from './batch-norm2d.js';
import { reluForward } from './relu.js';

/** y = relu(batchNorm(x)), and the batch mean and biased variance per channel. */
export function batchNorm2dReluForwardTrain(
  y: FloatArray,
  batchMean: FloatArray,
  batchVar: FloatArray,
  x: FloatArray,
  gamma: FloatArray | null,
  beta: FloatArray | null,
  eps: number,
  g: BatchNorm2dGeometry,
): void {
  batchNorm2dForwardTrain(y, batchMean, batchVar, x, gamma, beta, eps, g);
  reluForward(y, y);
}

/** dx, dgamma, dbeta of the batch norm, at the gradient dy masked by its ReLU's output y. */
export function batchNorm2dReluBackwardTrain(
  dx: FloatArray | null,
  dgamma: FloatArray | null,
  dbeta: FloatArray | null,
  dy: FloatArray,
  y: FloatArray,
  x: FloatArray,
  gamma: FloatArray | null,
  batchMean: FloatArray,
  batchVar: FloatArray,
  eps: number,
  g: BatchNorm2dGeometry,
): void {
  const masked = dy.map((d, i) => (y[i] > 0 ? d : 0));
  batchNorm2dBackwardTrain(dx, dgamma, dbeta, masked, x, gamma, batchMean, batchVar, eps, g);
}
