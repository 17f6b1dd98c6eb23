/**
 * Batch normalisation of (N,C,H,W) feature maps (PyTorch's F.batch_norm) as an autograd op.
 *
 * x:(N,C,H,W) runningMean, runningVar, weight (gamma), bias (beta): (C) -> y:(N,C,H,W)
 *
 * Training: each channel is normalised with its batch mean and biased variance over (N,H,W),
 * y = gamma * (x - mean) / sqrt(var + eps) + beta, and the running statistics (when given)
 * move towards the batch's, in place, with the unbiased variance:
 *
 *   runningMean = (1 - momentum) * runningMean + momentum * mean
 *   runningVar  = (1 - momentum) * runningVar  + momentum * var * M/(M-1),   M = N*H*W
 *
 * Evaluation: the running statistics are used instead, and nothing is updated.
 * The backward is the batch-norm2d kernels' backward (src/kernels/reference/batch-norm2d.ts).
 *
 * With `relu`, y = relu(batchNorm(x)): in training by the fused kernels
 * (kernels/reference/batch-norm2d-relu.ts: the ReLU in the normalising pass, its mask in the
 * backward's), in evaluation a ReLU op after.
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { batchNorm2dGeometry, checkBatchNorm2dArgs } from '../shape/batch-norm2d.js';
import { ShapeError } from '../shape/shape-error.js';
import { Tensor, formatShape } from '../tensor.js';
import { gradBuffer } from './grad-buffer.js';
import { relu } from './relu.js';

export interface BatchNorm2dOptions {
  /** gamma:(C), the per-channel scale; absent or null: 1. */
  weight?: Tensor | null;
  /** beta:(C), the per-channel shift; absent or null: 0. */
  bias?: Tensor | null;
  /** Batch statistics (true) or running statistics (false, the default, as in F.batch_norm). */
  training?: boolean;
  /** How far the running statistics move towards each batch's; default 0.1. */
  momentum?: number;
  /** Added to the variance; default 1e-5. */
  eps?: number;
  /** Take the ReLU of the output too (see the top of this file); default false. */
  relu?: boolean;
}

function checkChannelTensor(t: Tensor | null, name: string): void {
  if (t !== null && t.rank !== 1) {
    throw new ShapeError(`batchNorm2d: ${name} must be 1-D (C), got shape ${formatShape(t.shape)}`);
  }
}

export function batchNorm2d(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  {
    weight = null,
    bias = null,
    training = false,
    momentum = 0.1,
    eps = 1e-5,
    relu: withRelu = false,
  }: BatchNorm2dOptions = {},
): Tensor {
  checkChannelTensor(runningMean, 'runningMean');
  checkChannelTensor(runningVar, 'runningVar');
  checkChannelTensor(weight, 'weight');
  checkChannelTensor(bias, 'bias');
  const g = batchNorm2dGeometry(x.shape, {
    runningMean: runningMean === null ? null : runningMean.size,
    runningVar: runningVar === null ? null : runningVar.size,
    weight: weight === null ? null : weight.size,
    bias: bias === null ? null : bias.size,
  });
  if ((runningMean === null) !== (runningVar === null)) {
    throw new Error('batchNorm2d: give both runningMean and runningVar, or neither');
  }
  if (runningMean?.requiresGrad === true || runningVar?.requiresGrad === true) {
    throw new Error('batchNorm2d: running statistics are buffers and must not require grad');
  }
  checkBatchNorm2dArgs(eps, momentum, 'batchNorm2d');
  const gamma = weight === null ? null : weight.data;
  const beta = bias === null ? null : bias.data;
  const params = [weight, bias].filter((t): t is Tensor => t !== null);
  const y = Tensor.empty(x.shape, x.dtype);
  const backend = getBackend();

  /** The gradients in input order: x, then weight and bias where given. */
  const gradients = (dx: Tensor | null, dgamma: Tensor | null, dbeta: Tensor | null) => [
    dx,
    ...(weight === null ? [] : [dgamma]),
    ...(bias === null ? [] : [dbeta]),
  ];

  if (training) {
    if (g.N * g.H * g.W < 2) {
      throw new ShapeError(
        `batchNorm2d: expected more than 1 value per channel when training, got input ${formatShape(x.shape)}`,
      );
    }
    const batchMean = Tensor.empty([g.C], x.dtype).data;
    const batchVar = Tensor.empty([g.C], x.dtype).data;
    const forward = withRelu
      ? backend.batchNorm2dReluForwardTrain
      : backend.batchNorm2dForwardTrain;
    forward(y.data, batchMean, batchVar, x.data, gamma, beta, eps, g);
    if (runningMean !== null && runningVar !== null) {
      backend.batchNorm2dUpdateRunningStats(
        runningMean.data,
        runningVar.data,
        batchMean,
        batchVar,
        momentum,
        g,
      );
    }
    return record(withRelu ? 'batchNorm2dRelu' : 'batchNorm2d', y, [x, ...params], (dy) => {
      const dx = gradBuffer(x);
      const dgamma = weight === null ? null : gradBuffer(weight);
      const dbeta = bias === null ? null : gradBuffer(bias);
      const outs = [dx?.data ?? null, dgamma?.data ?? null, dbeta?.data ?? null] as const;
      const saved = [x.data, gamma, batchMean, batchVar, eps, g] as const;
      const kernels = getBackend();
      if (withRelu) kernels.batchNorm2dReluBackwardTrain(...outs, dy.data, y.data, ...saved);
      else kernels.batchNorm2dBackwardTrain(...outs, dy.data, ...saved);
      return gradients(dx, dgamma, dbeta);
    });
  }

  if (runningMean === null || runningVar === null) {
    throw new Error(
      'batchNorm2d: evaluation mode (training false) needs runningMean and runningVar',
    );
  }
  // Snapshots: a later training-mode call may update the running statistics before backward.
  const mean = runningMean.clone().data;
  const variance = runningVar.clone().data;
  backend.batchNorm2dForwardEval(y.data, x.data, mean, variance, gamma, beta, eps, g);
  const normalised = record('batchNorm2d', y, [x, ...params], (dy) => {
    const dx = gradBuffer(x);
    const dgamma = weight === null ? null : gradBuffer(weight);
    const dbeta = bias === null ? null : gradBuffer(bias);
    getBackend().batchNorm2dBackwardEval(
      dx === null ? null : dx.data,
      dgamma === null ? null : dgamma.data,
      dbeta === null ? null : dbeta.data,
      dy.data,
      x.data,
      mean,
      variance,
      gamma,
      eps,
      g,
    );
    return gradients(dx, dgamma, dbeta);
  });
  return withRelu ? relu(normalised) : normalised;
}
