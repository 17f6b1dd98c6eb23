import { setDefaultBackend, type Backend } from '../backend.js';
import { avgPool2dBackward, avgPool2dForward } from './avg-pool2d.js';
import {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from './conv2d.js';
import {
  linearBackwardBias,
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

/** Plain loops, readable against the math: the spec every other backend is tested against. */
export const referenceBackend: Backend = {
  name: 'reference',
  conv2dForward,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dBackwardBias,
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
  softmaxCrossEntropyForward,
  softmaxCrossEntropyBackward,
};

setDefaultBackend(referenceBackend);
