import { setDefaultBackend, type Backend } from '../backend.js';
import { avgPool2dBackward, avgPool2dForward } from './avg-pool2d.js';
import {
  conv2dBackwardBias,
  conv2dBackward,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from './conv2d.js';
import {
  linearBackwardBias,
  linearBackward,
  linearBackwardInput,
  linearBackwardWeight,
  linearForward,
} from './linear.js';
import { maxPool2dBackward, maxPool2dForward } from './max-pool2d.js';
import { reluBackward, reluForward } from './relu.js';
import {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
} from './softmax-cross-entropy.js';
import { addBackward, addForward } from './add.js';
import {
  batchNorm2dBackwardEval,
  batchNorm2dBackwardTrain,
  batchNorm2dForwardEval,
  batchNorm2dForwardTrain,
  batchNorm2dUpdateRunningStats,
} from './batch-norm2d.js';
import {
  binaryCrossEntropyWithLogitsBackward,
  binaryCrossEntropyWithLogitsForward,
} from './binary-cross-entropy-with-logits.js';
import { concatBackward, concatForward } from './concat.js';
import {
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dForward,
} from './conv-transpose2d.js';
import { crossEntropyBackward, crossEntropyForward } from './cross-entropy.js';
import { divBackward, divForward } from './div.js';
import { dropoutBackward, dropoutForward } from './dropout.js';
import { l2NormalizeBackward, l2NormalizeForward } from './l2-normalize.js';
import { leakyReluBackward, leakyReluForward } from './leaky-relu.js';
import { logSoftmaxBackward, logSoftmaxForward } from './log-softmax.js';
import { matmulBackwardA, matmulBackwardB, matmulForward } from './matmul.js';
import { meanBackward, meanForward } from './mean.js';
import { mseLossBackward, mseLossForward } from './mse-loss.js';
import { mulBackward, mulForward } from './mul.js';
import { permuteBackward, permuteForward } from './permute.js';
import { sigmoidBackward, sigmoidForward } from './sigmoid.js';
import { smoothL1LossBackward, smoothL1LossForward } from './smooth-l1-loss.js';
import { softmaxAxisBackward, softmaxAxisForward } from './softmax.js';
import { subBackward, subForward } from './sub.js';
import { sumBackward, sumForward } from './sum.js';
import { tanhBackward, tanhForward } from './tanh.js';
import { upsampleBilinear2dBackward, upsampleBilinear2dForward } from './upsample-bilinear2d.js';
import { upsampleNearest2dBackward, upsampleNearest2dForward } from './upsample-nearest2d.js';

/** Plain loops, readable against the math: the spec every other backend is tested against. */
export const referenceBackend: Backend = {
  name: 'reference',
  conv2dForward,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dBackwardBias,
  conv2dBackward,
  maxPool2dForward,
  maxPool2dBackward,
  avgPool2dForward,
  avgPool2dBackward,
  reluForward,
  reluBackward,
  linearForward,
  linearBackwardInput,
  linearBackwardWeight,
  linearBackwardBias,
  linearBackward,
  softmaxCrossEntropyForward,
  softmaxCrossEntropyBackward,
  convTranspose2dForward,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dBackwardBias,
  upsampleNearest2dForward,
  upsampleNearest2dBackward,
  upsampleBilinear2dForward,
  upsampleBilinear2dBackward,
  concatForward,
  concatBackward,
  addForward,
  addBackward,
  subForward,
  subBackward,
  mulForward,
  mulBackward,
  divForward,
  divBackward,
  sumForward,
  sumBackward,
  meanForward,
  meanBackward,
  permuteForward,
  permuteBackward,
  matmulForward,
  matmulBackwardA,
  matmulBackwardB,
  leakyReluForward,
  leakyReluBackward,
  sigmoidForward,
  sigmoidBackward,
  tanhForward,
  tanhBackward,
  batchNorm2dForwardTrain,
  batchNorm2dForwardEval,
  batchNorm2dBackwardTrain,
  batchNorm2dBackwardEval,
  batchNorm2dUpdateRunningStats,
  dropoutForward,
  dropoutBackward,
  softmaxAxisForward,
  softmaxAxisBackward,
  logSoftmaxForward,
  logSoftmaxBackward,
  crossEntropyForward,
  crossEntropyBackward,
  binaryCrossEntropyWithLogitsForward,
  binaryCrossEntropyWithLogitsBackward,
  mseLossForward,
  mseLossBackward,
  smoothL1LossForward,
  smoothL1LossBackward,
  l2NormalizeForward,
  l2NormalizeBackward,
};

setDefaultBackend(referenceBackend);
