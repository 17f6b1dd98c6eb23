/**
 * evaluate(model, dataset): the mean cross-entropy, accuracy and confusion matrix of a model on
 * a dataset, in evaluation mode (dropout off, batch norm's running statistics) and without
 * recording a graph (noGrad). Each batch runs as one step of the backend (in the fast
 * backend's memory, see step-runner.ts); the previous training mode is restored afterwards.
 */
import { noGrad } from '../autograd.js';
import type { Dataset } from '../data/dataset.js';
import { DataLoader, type NormalizeOptions } from '../data/loader.js';
import type { Layer } from '../nn/module.js';
import { crossEntropy } from '../ops/index.js';
import { formatShape } from '../tensor.js';
import { ConfusionMatrix, argmaxRows } from './metrics.js';
import { currentStepRunner, type StepRunner } from './step-runner.js';
import { yieldToEvents } from './yield-to-events.js';

export interface EvaluateOptions {
  /** Images per batch; default 256 (it changes nothing but speed and memory). */
  batchSize?: number;
  /** The normalisation the model was trained with; default none. */
  normalize?: NormalizeOptions;
  /** Default: the current backend's (see step-runner.ts). */
  stepRunner?: StepRunner;
}

export interface EvaluationResult {
  /** Mean cross-entropy per image. */
  loss: number;
  accuracy: number;
  images: number;
  confusion: ConfusionMatrix;
  seconds: number;
}

/** Evaluates model on every image of dataset (see the top of this file). */
export async function evaluate(
  model: Layer,
  dataset: Dataset,
  { batchSize = 256, normalize, stepRunner = currentStepRunner() }: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const start = performance.now();
  const numClasses = dataset.classNames.length;
  const confusion = new ConfusionMatrix(numClasses);
  const loader = new DataLoader(dataset, { batchSize, shuffle: false, normalize });
  const predictions = new Int32Array(batchSize);
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  try {
    for (const { images, labels } of loader.epoch(0)) {
      const B = labels.length;
      lossSum += stepRunner.runStep([], () =>
        noGrad(() => {
          const logits = model.forward(images);
          if (logits.rank !== 2 || logits.shape[0] !== B || logits.shape[1] !== numClasses) {
            throw new RangeError(
              `evaluate: the model gives logits ${formatShape(logits.shape)} for ${B} images, but the dataset has ${numClasses} classes (expected (${B},${numClasses}))`,
            );
          }
          argmaxRows(logits.data, B, numClasses, predictions);
          return crossEntropy(logits, labels, { reduction: 'sum' }).item();
        }),
      );
      confusion.add(labels, predictions.subarray(0, B));
      await yieldToEvents();
    }
  } finally {
    model.train(wasTraining);
  }
  const images = dataset.length;
  return {
    loss: lossSum / images,
    accuracy: confusion.accuracy,
    images,
    confusion,
    seconds: (performance.now() - start) / 1000,
  };
}
