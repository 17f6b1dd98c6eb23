/**
 * The segmentation branch of `convnet eval`: when --model is a segmenter (a directory holding
 * segmenter.safetensors), evaluate it on --dataset (default: what it was trained on):
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
import { loadSegmenter } from '../apps/segmentation/segmenter-file.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { count, percent, type CliOutput } from './options.js';
import { DIGIT_MASKS } from './train-segmentation.js';

export interface SegmentationEvalFlags {
  model: string;
  dataset?: string;
  batchSize: number;
  threads?: number;
  backend: BackendChoice;
  limitTest?: number;
  json: boolean;
}

/** Evaluates the segmenter in flags.model (see the top of this file). */
export async function runSegmentationEval(
  flags: SegmentationEvalFlags,
  output: CliOutput,
): Promise<void> {
  const backend = await selectBackend(flags.backend, flags.threads);
  try {
    const { model, info, path } = await loadSegmenter(flags.model);
    const dataset = flags.dataset ?? info.dataset;
    if (dataset === null) {
      throw new Error(`${path} does not say what it was trained on: give --dataset`);
    }
    let result: SegmentationEvaluation;
    let description: string;
    if (dataset === DIGIT_MASKS) {
      const { test } = digitMasksSplits({ trainSize: 0, testSize: flags.limitTest ?? 1000 });
      result = await evaluateSegmentation(model, test, {
        batchSize: flags.batchSize,
        stride: info.stride,
      });
      description = `${DIGIT_MASKS}, ${count(test.length)} test scenes`;
    } else {
      const root = existsSync(join(dataset, 'test')) ? join(dataset, 'test') : dataset;
      const channels = model.inputs[0].shape[0] === 3 ? 3 : 1;
      const { pairs } = readSegmentationFolder(root, { channels, classNames: info.classNames });
      const kept = flags.limitTest === undefined ? pairs : pairs.slice(0, flags.limitTest);
      result = await evaluatePairs(model, kept, info.classNames.length, { stride: info.stride });
      description = `${root}, ${count(kept.length)} image/mask pairs`;
    }
    const { confusion } = result;
    if (flags.json) {
      output.stdout.write(
        `${JSON.stringify({ model: flags.model, dataset, loss: result.loss, ...confusion.toJson(info.classNames) }, null, 2)}\n`,
      );
      return;
    }
    output.stdout.write(
      [
        `model: segmenter from ${path}`,
        `dataset: ${description}`,
        `mean IoU ${percent(confusion.meanIoU())}, pixel accuracy ${percent(confusion.pixelAccuracy())}, loss ${result.loss.toFixed(4)}`,
        '',
        confusion.format(info.classNames),
        '',
      ].join('\n'),
    );
  } finally {
    backend.dispose();
  }
}
