/**
 * Evaluating a segmenter: the pixel confusion matrix (segmentation-metrics.ts) and the mean
 * cross-entropy per pixel over a set, in eval mode without gradients.
 *
 *   evaluateSegmentation   a SegmentationSet (one size), in batches
 *   evaluatePairs          image/mask pairs of any sizes (a folder), one image at a time,
 *                          each padded to the model's stride and cropped back (segment.ts)
 */
import { noGrad } from '../../autograd.js';
import type { Layer } from '../../nn/module.js';
import { crossEntropy } from '../../ops/index.js';
import { Tensor } from '../../tensor.js';
import { currentStepRunner, type StepRunner } from '../../train/step-runner.js';
import { yieldToEvents } from '../../train/yield-to-events.js';
import type { SegmentationPair } from './pair-folder.js';
import { segmentLogits } from './segment.js';
import { SegmentationConfusion, argmaxPixels } from './segmentation-metrics.js';
import { IGNORE_INDEX, type SegmentationSet } from './segmentation-set.js';

export interface SegmentationEvaluation {
  confusion: SegmentationConfusion;
  /** Mean cross-entropy per pixel not ignored. */
  loss: number;
  images: number;
  seconds: number;
}

export interface EvaluateSegmentationOptions {
  /** Default 64. */
  batchSize?: number;
  /** Pad sides to multiples of this (segment.ts); default 1. */
  stride?: number;
  stepRunner?: StepRunner;
  /** Called after each batch with the images done so far. */
  onProgress?: (done: number) => void;
}

/** Evaluates model on set (see the top of this file); the model is left in eval mode. */
export async function evaluateSegmentation(
  model: Layer,
  set: SegmentationSet,
  {
    batchSize = 64,
    stride = 1,
    stepRunner = currentStepRunner(),
    onProgress,
  }: EvaluateSegmentationOptions = {},
): Promise<SegmentationEvaluation> {
  const start = performance.now();
  const K = set.classNames.length;
  const confusion = new SegmentationConfusion(K);
  const [C, H, W] = set.imageShape;
  model.eval();
  let lossSum = 0;
  let counted = 0;
  for (let from = 0; from < set.length; from += batchSize) {
    const indices = Array.from(
      { length: Math.min(batchSize, set.length - from) },
      (_, i) => from + i,
    );
    const { images, labels } = set.getBatch(indices);
    const B = indices.length;
    const { predictions, loss } = scoreImages(model, images.data as Float32Array, labels, {
      shape: [B, C, H, W],
      numClasses: K,
      stride,
      stepRunner,
      source: 'evaluateSegmentation',
      what: 'the set',
    });
    confusion.add(labels, predictions);
    lossSum += loss;
    for (const y of labels) if (y !== IGNORE_INDEX) counted++;
    onProgress?.(from + B);
    await yieldToEvents();
  }
  return {
    confusion,
    loss: lossSum / counted,
    images: set.length,
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * One forward pass in the backend's memory: each pixel's predicted class and the summed
 * cross-entropy of the labelled pixels; an error naming `source` when the model's class count
 * is not `what`'s.
 */
function scoreImages(
  model: Layer,
  pixels: Float32Array,
  labels: Int32Array,
  options: {
    shape: [number, number, number, number];
    numClasses: number;
    stride: number;
    stepRunner: StepRunner;
    source: string;
    what: string;
  },
): { predictions: ReturnType<typeof argmaxPixels>; loss: number } {
  const { shape: inputShape, numClasses, stride, stepRunner, source, what } = options;
  return stepRunner.runStep([], () =>
    noGrad(() => {
      const { logits, shape } = segmentLogits(model, pixels, inputShape, { stride });
      if (shape[1] !== numClasses) {
        throw new RangeError(
          `${source}: the model gives ${shape[1]} classes per pixel, ${what} has ${numClasses}`,
        );
      }
      const loss = crossEntropy(new Tensor(logits, shape), labels, {
        ignoreIndex: IGNORE_INDEX,
        reduction: 'sum',
      }).item();
      return { predictions: argmaxPixels(logits, shape), loss };
    }),
  );
}

/** Evaluates model on pairs of any sizes, one at a time (see the top of this file). */
export async function evaluatePairs(
  model: Layer,
  pairs: readonly SegmentationPair[],
  numClasses: number,
  { stride = 1, stepRunner = currentStepRunner(), onProgress }: EvaluateSegmentationOptions = {},
): Promise<SegmentationEvaluation> {
  const start = performance.now();
  const confusion = new SegmentationConfusion(numClasses);
  let lossSum = 0;
  let counted = 0;
  for (const [i, pair] of pairs.entries()) {
    const [C, H, W] = pair.shape;
    const labels = Int32Array.from(pair.mask);
    const { predictions, loss } = scoreImages(model, pair.pixels, labels, {
      shape: [1, C, H, W],
      numClasses,
      stride,
      stepRunner,
      source: pair.imagePath,
      what: 'the folder',
    });
    confusion.add(labels, predictions);
    lossSum += loss;
    for (const y of labels) if (y !== IGNORE_INDEX) counted++;
    onProgress?.(i + 1);
    await yieldToEvents();
  }
  return {
    confusion,
    loss: lossSum / counted,
    images: pairs.length,
    seconds: (performance.now() - start) / 1000,
  };
}
