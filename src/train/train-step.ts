/**
 * One training step, the same in Node (fit) and in a browser (the playground's worker):
 *
 *   inside the backend's runStep (in the fast backend's memory, see step-runner.ts):
 *     zero grads, forward, count the correct predictions, cross-entropy, backward,
 *     stop if the loss or any gradient is NaN or infinite (nothing applied, grads zeroed),
 *     clip the gradients' global norm (optional), optimizer.step(), zero grads
 *   then the schedule's step, for schedules stepped per batch
 *
 * The step reports a non-finite loss or gradient in its outcome rather than throwing: what to
 * say about it (the epoch, the last checkpoint) belongs to the loop that called it. This module
 * imports nothing Node-only, so the browser entry exports it.
 *
 * ```ts
 * const step = createTrainStep({ model, optimizer, numClasses: 10 });
 * const metrics = new RunningMetrics();
 * for (const { images, labels } of loader.epoch(0)) metrics.add(step(images, labels));
 * metrics.loss; metrics.accuracy;
 * ```
 */
import type { Layer } from '../nn/module.js';
import { crossEntropy } from '../ops/index.js';
import { clipGradNorm } from '../optim/clip-grad.js';
import type { LRScheduler } from '../optim/lr-scheduler.js';
import type { ReduceLROnPlateau } from '../optim/reduce-lr-on-plateau.js';
import { formatShape, type Tensor } from '../tensor.js';
import { countCorrect } from './metrics.js';
import { findNonFinite, type NonFiniteLocation } from './non-finite.js';
import { currentStepRunner, type StepRunner } from './step-runner.js';

/** What a training step needs from an optimizer (every optimizer of src/optim is one). */
export interface StepOptimizer {
  step(): void;
  zeroGrad(): void;
}

/**
 * A learning-rate schedule and when it steps: after every optimizer step ('batch': OneCycleLR,
 * CosineWarmupLR; the training step does this), after every epoch ('epoch': StepLR), or after
 * every epoch on the epoch's mean training loss ('plateau': ReduceLROnPlateau). The last two
 * are the epoch loop's (fit's).
 */
export type Schedule =
  | { every: 'batch' | 'epoch'; scheduler: LRScheduler }
  | { every: 'plateau'; scheduler: ReduceLROnPlateau };

export interface TrainStepOptions {
  /** Takes (B,C,H,W) images and gives (B,K) logits. */
  model: Layer;
  optimizer: StepOptimizer;
  /** K: the number of classes the logits must have. */
  numClasses: number;
  /** Clip the gradients' global 2-norm to this before each update; default null (no clipping). */
  clipGradNorm?: number | null;
  /** Stepped after every applied update when `every` is 'batch'; default null. */
  schedule?: Schedule | null;
  /** Default: the current backend's when the step is created (see step-runner.ts). */
  stepRunner?: StepRunner;
  /** Names the caller at the start of error messages; default 'trainStep'. */
  caller?: string;
}

/** What a step hands back from the backend's memory: numbers only. */
export interface StepOutcome {
  /** The batch's mean cross-entropy. */
  loss: number;
  /** Images whose largest logit is at their label. */
  correct: number;
  /** B, the batch's size. */
  images: number;
  /** Set when the loss or a parameter's value or gradient is not finite (nothing applied). */
  failed: boolean;
  location: NonFiniteLocation | null;
}

/** One step on a batch of images:(B,C,H,W) and their labels:(B). */
export type TrainStep = (images: Tensor, labels: Int32Array) => StepOutcome;

/** A training step for model and optimizer (see the top of this file). */
export function createTrainStep({
  model,
  optimizer,
  numClasses,
  clipGradNorm: maxNorm = null,
  schedule = null,
  stepRunner = currentStepRunner(),
  caller = 'trainStep',
}: TrainStepOptions): TrainStep {
  if (maxNorm !== null && !(maxNorm > 0)) {
    throw new RangeError(
      `${caller}: clipGradNorm must be a positive number or null, got ${maxNorm}`,
    );
  }
  const named = model.namedParameters();
  const params = named.map(([, p]) => p);

  /** Runs in the backend's memory: every tensor made here is gone when it returns. */
  const inPlace = (images: Tensor, labels: Int32Array): StepOutcome => {
    optimizer.zeroGrad();
    const logits = model.forward(images);
    const B = labels.length;
    if (logits.rank !== 2 || logits.shape[0] !== B || logits.shape[1] !== numClasses) {
      throw new RangeError(
        `${caller}: the model gives logits ${formatShape(logits.shape)} for ${B} images, but the dataset has ${numClasses} classes (expected (${B},${numClasses}))`,
      );
    }
    const correct = countCorrect(logits.data, labels, numClasses);
    const loss = crossEntropy(logits, labels);
    const lossValue = loss.item();
    loss.backward();
    const location = Number.isFinite(lossValue)
      ? findNonFinite(named, 'gradient')
      : (findNonFinite(named, 'value') ?? findNonFinite(named, 'gradient'));
    if (location !== null || !Number.isFinite(lossValue)) {
      optimizer.zeroGrad();
      return { loss: lossValue, correct, images: B, failed: true, location };
    }
    if (maxNorm !== null) clipGradNorm(params, maxNorm);
    optimizer.step();
    optimizer.zeroGrad();
    return { loss: lossValue, correct, images: B, failed: false, location: null };
  };

  return (images, labels) => {
    const outcome = stepRunner.runStep(params, () => inPlace(images, labels));
    if (!outcome.failed && schedule?.every === 'batch') schedule.scheduler.step();
    return outcome;
  };
}

/** Running means of the steps' loss and accuracy, weighted by their batch sizes. */
export class RunningMetrics {
  /** Images seen. */
  images = 0;
  correct = 0;
  private lossSum = 0;

  add({ loss, correct, images }: StepOutcome): void {
    this.lossSum += loss * images;
    this.correct += correct;
    this.images += images;
  }

  /** The mean loss per image (NaN before the first step). */
  get loss(): number {
    return this.lossSum / this.images;
  }

  /** The fraction of images predicted correctly (NaN before the first step). */
  get accuracy(): number {
    return this.correct / this.images;
  }
}
