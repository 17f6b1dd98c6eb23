/**
 * Training a segmenter. Each epoch:
 *
 *   for each batch of a seeded shuffle of the training set (order from (seed, epoch)), padded on
 *   the bottom and right to multiples of the stride (images with 0, masks with IGNORE_INDEX):
 *     the step (segmentation-step.ts) inside the backend's runStep: zero grads, forward to
 *       (B,K,H,W) logits, the loss (dice-loss.ts: 'ce', 'dice' or 'ce+dice'), backward, stop if
 *       the loss or a gradient is not finite (NonFiniteError, nothing applied), clip the
 *       gradients' global norm (optional), Adam's step; the per-batch cosine schedule's step
 *   evaluate the test set: pixel confusion, mIoU, per-class IoU (evaluate-segmentation.ts)
 *   report the epoch (the classification progress bar, src/train/progress.ts; its "acc" is the
 *   pixel accuracy) and write history.json / history.csv
 *
 * After the last epoch the model is saved as a segmenter (segmenter-model.ts: model.safetensors, task 'segmentation') in `out`.
 * Adam and the schedule (src/optim), the progress bar, history files and non-finite checks are
 * the classification loop's own pieces; only the step's loss and the metrics differ.
 */
import { mkdirSync } from 'node:fs';
import type { Graph } from '../../nn/graph/graph.js';
import { Adam } from '../../optim/adam.js';
import { CosineWarmupLR } from '../../optim/cosine-warmup-lr.js';
import { Rng } from '../../rng.js';
import { writeHistory, type EpochRecord } from '../../train/history.js';
import { NonFiniteError } from '../../train/non-finite.js';
import { silentReporter, type ProgressReporter } from '../../train/progress.js';
import { currentStepRunner, type StepRunner } from '../../train/step-runner.js';
import { yieldToEvents } from '../../train/yield-to-events.js';
import type { SegmentationLossName } from './dice-loss.js';
import { evaluateSegmentation, type SegmentationEvaluation } from './evaluate-segmentation.js';
import { saveSegmenter } from './segmenter-model.js';
import { createSegmentationStep, padSegmentationBatch } from './segmentation-step.js';
import type { SegmentationSet } from './segmentation-set.js';

export interface SegmentationEpochRecord extends EpochRecord {
  /** The test set's mean IoU after the epoch (background included). */
  testMeanIoU: number;
}

export interface TrainSegmentationOptions {
  /** Takes (B,C,H,W) images, gives (B,K,H,W) logits. */
  model: Graph;
  train: SegmentationSet;
  test: SegmentationSet;
  epochs: number;
  batchSize: number;
  /** Adam's peak learning rate; default 3e-3. */
  lr?: number;
  /** Adam's L2 weight decay; default 0. */
  weightDecay?: number;
  /** Linear warm-up steps of the cosine schedule; default 0 (null: a constant lr). */
  warmupSteps?: number | null;
  loss?: SegmentationLossName;
  /** Cross-entropy weight of each class; default none (every class 1). */
  classWeights?: readonly number[] | null;
  /** The model's stride (sides padded to multiples of it at evaluation); default 1. */
  stride?: number;
  /** Seeds the batch order; default 0. */
  seed?: number;
  clipGradNorm?: number | null;
  /** Where to save history and the segmenter; default null (nothing written). */
  out?: string | null;
  /** Recorded in the segmenter file: 'digit-masks' or a folder. */
  dataset?: string | null;
  stepRunner?: StepRunner;
  reporter?: ProgressReporter;
}

export interface TrainSegmentationResult {
  history: SegmentationEpochRecord[];
  test: SegmentationEvaluation;
  /** The segmenter file, or null without `out`. */
  modelFile: string | null;
  /** Training seconds, evaluation excluded. */
  trainSeconds: number;
}

/** A seeded permutation of 0..n-1 for one epoch. */
function epochOrder(n: number, seed: number, epoch: number): number[] {
  return new Rng(seed * 1_000_003 + epoch).shuffle(Array.from({ length: n }, (_, i) => i));
}

/** Trains model on train, evaluating test after every epoch (see the top of this file). */
export async function trainSegmentation({
  model,
  train,
  test,
  epochs,
  batchSize,
  lr = 3e-3,
  weightDecay = 0,
  warmupSteps = 0,
  loss = 'ce',
  classWeights = null,
  stride = 1,
  seed = 0,
  clipGradNorm: maxNorm = null,
  out = null,
  dataset = null,
  stepRunner = currentStepRunner(),
  reporter = silentReporter,
}: TrainSegmentationOptions): Promise<TrainSegmentationResult> {
  for (const [name, value] of [
    ['epochs', epochs],
    ['batchSize', batchSize],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`trainSegmentation: ${name} must be an integer >= 1, got ${value}`);
    }
  }
  if (train.length === 0 || test.length === 0) {
    throw new RangeError('trainSegmentation: the training and test sets must not be empty');
  }
  if (out !== null) mkdirSync(out, { recursive: true });
  const K = train.classNames.length;
  const [, H0, W0] = train.imageShape;
  const H = Math.ceil(H0 / stride) * stride;
  const W = Math.ceil(W0 / stride) * stride;
  const optimizer = new Adam(model.parameters(), { lr, weightDecay });
  const trainStep = createSegmentationStep({
    model,
    optimizer,
    numClasses: K,
    loss,
    classWeights,
    maxNorm,
    stepRunner,
  });
  const batches = Math.ceil(train.length / batchSize);
  const schedule =
    warmupSteps === null
      ? null
      : new CosineWarmupLR(optimizer, {
          warmupSteps,
          totalSteps: Math.max(epochs * batches, warmupSteps + 1),
        });
  const history: SegmentationEpochRecord[] = [];
  let evaluation: SegmentationEvaluation | null = null;
  let trainTotal = 0;
  let step = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const epochLr = optimizer.paramGroups[0].lr;
      reporter.epochStart({ epoch: epoch + 1, epochs, batches, images: train.length });
      model.train();
      const order = epochOrder(train.length, seed, epoch);
      const epochStart = performance.now();
      let dataSeconds = 0;
      let lossSum = 0;
      let seen = 0;
      let hits = 0;
      let pixels = 0;
      for (let batch = 0; batch < batches; batch++) {
        const dataStart = performance.now();
        const { images, labels } = padSegmentationBatch(
          train.getBatch(order.slice(batch * batchSize, (batch + 1) * batchSize)),
          [H, W],
        );
        dataSeconds += (performance.now() - dataStart) / 1000;
        const B = images.shape[0];
        const outcome = trainStep({ images, labels });
        if (outcome.failed) {
          throw new NonFiniteError({
            step: step + 1,
            epoch: epoch + 1,
            batch: batch + 1,
            batchesPerEpoch: batches,
            loss: outcome.loss,
            location: outcome.location,
            lastCheckpoint: null,
          });
        }
        step++;
        schedule?.step();
        lossSum += outcome.loss * B;
        seen += B;
        hits += outcome.right;
        pixels += outcome.counted;
        reporter.batch({
          epoch: epoch + 1,
          batch: batch + 1,
          batches,
          loss: lossSum / seen,
          metrics: [{ name: 'pixel acc', value: hits / pixels, format: 'percent' }],
          imagesPerSecond: seen / ((performance.now() - epochStart) / 1000),
        });
        await yieldToEvents();
      }
      const trainSeconds = (performance.now() - epochStart) / 1000;
      trainTotal += trainSeconds;
      evaluation = await evaluateSegmentation(model, test, { stride, stepRunner });
      const record: SegmentationEpochRecord = {
        epoch: epoch + 1,
        trainLoss: lossSum / seen,
        trainAccuracy: hits / pixels,
        testLoss: evaluation.loss,
        testAccuracy: evaluation.confusion.pixelAccuracy(),
        testMeanIoU: evaluation.confusion.meanIoU(),
        lr: epochLr,
        trainSeconds,
        dataSeconds,
        evalSeconds: evaluation.seconds,
        checkpointSeconds: 0,
        imagesPerSecond: seen / trainSeconds,
      };
      history.push(record);
      reporter.epochEnd(record, epochs);
      reporter.message(
        `  test mIoU ${(100 * record.testMeanIoU).toFixed(2)}% (pixel accuracy is "acc")`,
      );
      if (out !== null) await writeHistory(out, history);
    }
  } finally {
    reporter.close();
  }
  if (evaluation === null) throw new Error('trainSegmentation: no epoch ran');
  const modelFile =
    out === null
      ? null
      : await saveSegmenter(out, model, { classNames: train.classNames, dataset, seed });
  return { history, test: evaluation, modelFile, trainSeconds: trainTotal };
}
