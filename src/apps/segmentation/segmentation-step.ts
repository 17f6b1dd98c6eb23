/**
 * One training step of a segmenter (browser-safe: trainSegmentation runs it in Node, the
 * playground in a worker), on a batch padded on the bottom and right to multiples of the
 * model's stride (images with 0, masks with IGNORE_INDEX, so padding counts in no loss):
 *
 *   inside the backend's runStep: zero grads, forward to (B,K,H,W) logits, the pixel accuracy
 *   of the argmax over the labelled pixels, the loss (dice-loss.ts), backward; a non-finite
 *   loss or gradient is refused (nothing applied, `failed` says where); else clip the gradients'
 *   global norm (optional) and step the optimizer.
 */
import type { Graph } from '../../nn/graph/graph.js';
import type { Adam } from '../../optim/adam.js';
import { clipGradNorm } from '../../optim/clip-grad.js';
import { Tensor } from '../../tensor.js';
import { findNonFinite, type NonFiniteLocation } from '../../train/non-finite.js';
import { currentStepRunner, type StepRunner } from '../../train/step-runner.js';
import { segmentationLoss, type SegmentationLossName } from './dice-loss.js';
import { padImages } from './segment.js';
import { argmaxPixels } from './segmentation-metrics.js';
import { IGNORE_INDEX, type SegmentationBatch } from './segmentation-set.js';

/** Pads a batch's images (with 0) and labels (with IGNORE_INDEX) to (PH,PW). */
export function padSegmentationBatch(
  { images, labels }: SegmentationBatch,
  [PH, PW]: readonly [number, number],
): SegmentationBatch {
  const [B, C, H, W] = images.shape;
  if (PH === H && PW === W) return { images, labels };
  const padded = new Int32Array(B * PH * PW).fill(IGNORE_INDEX);
  for (let row = 0; row < B * H; row++) {
    const n = Math.floor(row / H);
    padded.set(labels.subarray(row * W, (row + 1) * W), (n * PH + (row % H)) * PW);
  }
  const x = padImages(images.data as Float32Array, [B, C, H, W], [PH, PW]);
  return { images: new Tensor(x, [B, C, PH, PW]), labels: padded };
}

export interface SegmentationStepResult {
  loss: number;
  /** Labelled pixels whose argmax is their label, and labelled pixels. */
  right: number;
  counted: number;
  /** True when nothing was applied: the loss or a gradient was not finite. */
  failed: boolean;
  /** The first non-finite gradient, when one was. */
  location: NonFiniteLocation | null;
}

export interface SegmentationStepOptions {
  model: Graph;
  optimizer: Pick<Adam, 'step' | 'zeroGrad'>;
  numClasses: number;
  loss?: SegmentationLossName;
  /** Cross-entropy weight of each class (K numbers); default none (every class 1). */
  classWeights?: readonly number[] | null;
  /** Clip the gradients' global norm to this; default null (no clipping). */
  maxNorm?: number | null;
  stepRunner?: StepRunner;
}

/** The step (see the top of this file) for a batch already padded to the model's stride. */
export function createSegmentationStep({
  model,
  optimizer,
  numClasses: K,
  loss = 'ce',
  classWeights = null,
  maxNorm = null,
  stepRunner = currentStepRunner(),
}: SegmentationStepOptions): (batch: SegmentationBatch) => SegmentationStepResult {
  if (classWeights !== null && classWeights.length !== K) {
    throw new RangeError(
      `trainSegmentation: classWeights has ${classWeights.length} numbers for ${K} classes`,
    );
  }
  const weights = classWeights === null ? null : Float32Array.from(classWeights);
  const named = model.namedParameters();
  const params = named.map(([, p]) => p);
  return ({ images, labels }) =>
    stepRunner.runStep(params, () => {
      const [B, , H, W] = images.shape;
      optimizer.zeroGrad();
      const logits = model.forward(images);
      if (
        logits.rank !== 4 ||
        logits.shape[1] !== K ||
        logits.shape[2] !== H ||
        logits.shape[3] !== W
      ) {
        throw new RangeError(
          `trainSegmentation: the model gives ${logits.shape.join('x')} logits for ${B}x${H}x${W} masks of ${K} classes`,
        );
      }
      const predicted = argmaxPixels(logits.data, logits.shape);
      let right = 0;
      let counted = 0;
      for (let i = 0; i < labels.length; i++) {
        if (labels[i] === IGNORE_INDEX) continue;
        counted++;
        if (predicted[i] === labels[i]) right++;
      }
      const value = segmentationLoss(logits, labels, {
        loss,
        classWeights: weights === null ? null : new Tensor(weights, [K]),
      });
      const lossValue = value.item();
      value.backward();
      const location = findNonFinite(named, 'gradient');
      if (location !== null || !Number.isFinite(lossValue)) {
        optimizer.zeroGrad();
        return { loss: lossValue, right, counted, failed: true, location };
      }
      if (maxNorm !== null) clipGradNorm(params, maxNorm);
      optimizer.step();
      optimizer.zeroGrad();
      return { loss: lossValue, right, counted, failed: false, location: null };
    });
}
