/**
 * The segmentation branch of `convnet eval`: when --model holds a segmenter (a model file whose
 * task is 'segmentation'), evaluate it on --dataset (default: what it was trained on):
 *
 *   digit-masks   the generated test scenes (held-out digits; --limit-test N keeps N)
 *   <folder>      <folder>/test if there is one, else <folder> itself: image/mask pairs of any
 *                 sizes, each padded to the model's stride and cropped back
 *
 * and print the per-class IoU, mean IoU and pixel accuracy (or JSON).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { digitMasksSplits } from '../apps/segmentation/digit-masks-node.js';
import {
  evaluatePairs,
  evaluateSegmentation,
  type SegmentationEvaluation,
} from '../apps/segmentation/evaluate-segmentation.js';
import { readSegmentationFolder } from '../apps/segmentation/pair-folder.js';
import type { LoadedSegmenter } from '../apps/segmentation/segmenter-model.js';
import { count, percent, type CliOutput } from './options.js';
import { DIGIT_MASKS } from './train-segmentation.js';

export interface SegmentationEvalFlags {
  model: string;
  dataset?: string;
  batchSize: number;
  limitTest?: number;
  json: boolean;
}

/** Evaluates the segmenter loaded from flags.model (see the top of this file); eval.ts holds the backend. */
export async function runSegmentationEval(
  segmenter: LoadedSegmenter,
  flags: SegmentationEvalFlags,
  output: CliOutput,
): Promise<void> {
  const { model, spec, stride, dir: path } = segmenter;
  const dataset = flags.dataset ?? spec.dataset;
  if (dataset === null) {
    throw new Error(`${path} does not say what it was trained on: give --dataset`);
  }
  let result: SegmentationEvaluation;
  let description: string;
  if (dataset === DIGIT_MASKS) {
    const { test } = digitMasksSplits({ trainSize: 0, testSize: flags.limitTest ?? 1000 });
    result = await evaluateSegmentation(model, test, {
      batchSize: flags.batchSize,
      stride,
    });
    description = `${DIGIT_MASKS}, ${count(test.length)} test scenes`;
  } else {
    const root = existsSync(join(dataset, 'test')) ? join(dataset, 'test') : dataset;
    const channels = model.inputs[0].shape[0] === 3 ? 3 : 1;
    const { pairs } = readSegmentationFolder(root, { channels, classNames: spec.classNames });
    const kept = flags.limitTest === undefined ? pairs : pairs.slice(0, flags.limitTest);
    result = await evaluatePairs(model, kept, spec.classNames.length, { stride });
    description = `${root}, ${count(kept.length)} image/mask pairs`;
  }
  const { confusion } = result;
  if (flags.json) {
    output.stdout.write(
      `${JSON.stringify({ model: flags.model, dataset, loss: result.loss, ...confusion.toJson(spec.classNames) }, null, 2)}\n`,
    );
    return;
  }
  output.stdout.write(
    [
      `model: segmenter from ${path}`,
      `dataset: ${description}`,
      `mean IoU ${percent(confusion.meanIoU())}, pixel accuracy ${percent(confusion.pixelAccuracy())}, loss ${result.loss.toFixed(4)}`,
      '',
      confusion.format(spec.classNames),
      '',
    ].join('\n'),
  );
}
