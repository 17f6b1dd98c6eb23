/**
 * BatchNorm2d: batch normalisation of (N,C,H,W) feature maps (PyTorch's nn.BatchNorm2d),
 * calling the batchNorm2d op (src/ops/batch-norm2d.ts). Per channel c:
 *
 *   y = gamma[c] * (x - mean[c]) / sqrt(var[c] + eps) + beta[c]
 *
 * Training: mean and var are the batch's (biased variance over N, H and W), and the running
 * statistics move towards them (with the unbiased variance):
 *
 *   runningMean = (1 - m) * runningMean + m * mean,   runningVar likewise,
 *   m = momentum, or 1/numBatchesTracked when momentum is null (a cumulative average).
 *
 * Evaluation: mean and var are the running statistics, and nothing is updated.
 */
import { batchNorm2d } from '../ops/batch-norm2d.js';
import { batchNorm2dGeometry, checkBatchNorm2dArgs } from '../shape/batch-norm2d.js';
import { checkInteger, ShapeError } from '../shape/shape-error.js';
import { Tensor, formatShape, type DType, type Shape } from '../tensor.js';
import { Layer } from './module.js';

export interface BatchNorm2dLayerOptions {
  /** Added to the variance; default 1e-5. */
  eps?: number;
  /** How far the running statistics move per batch, in [0, 1]; null: a cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learn gamma (weight) and beta (bias); default true. */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); false: batch statistics always. */
  trackRunningStats?: boolean;
  /** The dtype of the parameters and buffers; default 'float32'. */
  dtype?: DType;
}

/**
 * Normalises each channel of an (N,C,H,W) input, then scales and shifts it.
 *
 * Args:
 *   numFeatures: C, the channels of the input.
 *   options: eps (1e-5), momentum (0.1, or null), affine (true), trackRunningStats (true),
 *     dtype.
 *
 * Shape:
 *   input (N, C, H, W) -> output (N, C, H, W). Training needs more than one value per channel
 *   (N*H*W > 1).
 *
 * Parameters (when affine): weight = gamma (C), ones; bias = beta (C), zeros.
 * Buffers (when trackRunningStats): runningMean (C), zeros; runningVar (C), ones;
 * numBatchesTracked (), 0, counting the training batches seen.
 *
 * Example:
 *   const bn = new BatchNorm2d(32);
 *   bn.forward(x);          // training: batch statistics, running statistics updated
 *   bn.eval().forward(x);   // evaluation: running statistics
 */
export class BatchNorm2d extends Layer {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;

  constructor(
    numFeatures: number,
    {
      eps = 1e-5,
      momentum = 0.1,
      affine = true,
      trackRunningStats = true,
      dtype = 'float32',
    }: BatchNorm2dLayerOptions = {},
  ) {
    super();
    const layer = 'BatchNorm2d';
    this.numFeatures = checkInteger(numFeatures, 'numFeatures', layer);
    checkBatchNorm2dArgs(eps, momentum, layer);
    this.eps = eps;
    this.momentum = momentum;
    const C = numFeatures;
    this.weight = affine ? this.registerParameter('weight', Tensor.ones([C], dtype)) : null;
    this.bias = affine ? this.registerParameter('bias', Tensor.zeros([C], dtype)) : null;
    if (trackRunningStats) {
      this.runningMean = this.registerBuffer('runningMean', Tensor.zeros([C], dtype));
      this.runningVar = this.registerBuffer('runningVar', Tensor.ones([C], dtype));
      this.numBatchesTracked = this.registerBuffer('numBatchesTracked', Tensor.zeros([], dtype));
    } else {
      this.runningMean = null;
      this.runningVar = null;
      this.numBatchesTracked = null;
    }
  }

  forward(x: Tensor): Tensor {
    return this.normalise(x, false);
  }

  /**
   * relu(this.forward(x)) as one op (in training, fused kernels: the ReLU in the normalising pass
   * and its mask in the backward's): what a BatchNorm2d followed by a ReLU runs (src/nn/fuse.ts).
   */
  forwardRelu(x: Tensor): Tensor {
    return this.normalise(x, true);
  }

  private normalise(x: Tensor, relu: boolean): Tensor {
    this.checkChannels(x.shape);
    const { weight, bias, eps, runningMean, runningVar, numBatchesTracked } = this;
    let momentum = this.momentum ?? 0;
    if (this.training && numBatchesTracked !== null) {
      numBatchesTracked.data[0] += 1;
      if (this.momentum === null) momentum = 1 / numBatchesTracked.data[0];
    }
    // Without running statistics there is nothing else to normalise with, even in evaluation.
    const training = this.training || runningMean === null;
    const options = { weight, bias, training, momentum, eps, relu };
    return batchNorm2d(x, runningMean, runningVar, options);
  }

  private checkChannels(inputShape: Shape): void {
    const g = batchNorm2dGeometry(inputShape);
    if (g.C !== this.numFeatures) {
      throw new ShapeError(
        `batchNorm2d: input ${formatShape(inputShape)} has ${g.C} channels, the layer expects ${this.numFeatures} (numFeatures)`,
      );
    }
  }

  outputShape(inputShape: Shape): Shape {
    this.checkChannels(inputShape);
    return [...inputShape];
  }

  protected override extraRepr(): string {
    const parts = [`${this.numFeatures}`, `eps=${this.eps}`, `momentum=${this.momentum}`];
    if (this.weight === null) parts.push('affine=false');
    if (this.runningMean === null) parts.push('trackRunningStats=false');
    return parts.join(', ');
  }
}
