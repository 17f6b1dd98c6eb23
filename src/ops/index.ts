/**
 * The differentiable ops: each builds its output from the current backend's kernels
 * (getBackend(): the reference until another is chosen) and records its backward for autograd.
 */

// The option types of the ops whose geometry lives in src/shape, so that nn.functional's
// users name them from the same namespace as the op.
export type { Conv2dOptions } from '../shape/conv2d.js';
export type { ConvTranspose2dOptions } from '../shape/conv-transpose2d.js';
export type { Pool2dOptions } from '../shape/pool2d.js';
export type { Upsample2dOptions } from '../shape/upsample2d.js';

export { conv2d } from './conv2d.js';
export { convTranspose2d } from './conv-transpose2d.js';
export { maxPool2d } from './max-pool2d.js';
export { avgPool2d, type AvgPool2dOptions } from './avg-pool2d.js';
export { globalAvgPool2d } from './global-avg-pool2d.js';
export { upsampleNearest2d } from './upsample-nearest2d.js';
export { upsampleBilinear2d, type UpsampleBilinear2dOptions } from './upsample-bilinear2d.js';
export { concat } from './concat.js';
export { add } from './add.js';
export { sub } from './sub.js';
export { mul } from './mul.js';
export { div } from './div.js';
export { sum } from './sum.js';
export { mean } from './mean.js';
export { reshape, flatten } from './reshape.js';
export { permute } from './permute.js';
export { matmul } from './matmul.js';
export { relu } from './relu.js';
export { leakyRelu } from './leaky-relu.js';
export { sigmoid } from './sigmoid.js';
export { tanh } from './tanh.js';
export { gelu } from './gelu.js';
export { silu } from './silu.js';
export { batchNorm2d, type BatchNorm2dOptions } from './batch-norm2d.js';
export { dropout, type DropoutOptions } from './dropout.js';
export { linear } from './linear.js';
export { softmax } from './softmax.js';
export { logSoftmax } from './log-softmax.js';
export { crossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
export {
  binaryCrossEntropyWithLogits,
  type BinaryCrossEntropyWithLogitsOptions,
} from './binary-cross-entropy-with-logits.js';
export { mseLoss, type MseLossOptions } from './mse-loss.js';
export { smoothL1Loss, type SmoothL1LossOptions } from './smooth-l1-loss.js';
export { l2Normalize, type L2NormalizeOptions } from './l2-normalize.js';
export type { Reduction } from './loss-reduction.js';
export { adaptiveAvgPool2d } from './adaptive-avg-pool2d.js';
