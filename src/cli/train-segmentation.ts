/**
 * `convnet train --task segmentation [--dataset digit-masks|<folder>] [--model unet-lite] ...`:
 * the segmentation branch of `convnet train` (train.ts adds --task and hands over here).
 *
 *   --dataset digit-masks   generated scenes (src/apps/segmentation/digit-masks.ts): --train-size
 *                           and --test-size scenes, seeded by --seed
 *   --dataset <folder>      <folder>/train and <folder>/test, each images/ + masks/ (pair-folder.ts)
 *
 * Adam with a cosine schedule (--warmup steps of linear warm-up), the loss from --loss, the
 * U-Net-lite width from --base; history and the segmenter are saved in --out (default
 * runs/<dataset>-unet-lite). Options of classification training that mean nothing here
 * (--optimizer, --schedule, --augment, --resume, ...) are refused by name.
 */
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SEGMENTATION_LOSSES } from '../apps/segmentation/dice-loss.js';
import { digitMasksSplits } from '../apps/segmentation/digit-masks-node.js';
import { DIGIT_MASKS_RECIPE } from '../apps/segmentation/digit-masks-recipe.js';
import {
  readSegmentationFolder,
  segmentationSetFromFolder,
} from '../apps/segmentation/pair-folder.js';
import type { SegmentationSet } from '../apps/segmentation/segmentation-set.js';
import { trainSegmentation } from '../apps/segmentation/train-segmentation.js';
import { unetLite, unetLiteStride, type UnetUpMode } from '../apps/segmentation/unet-lite.js';
import { consoleReporter } from '../train/progress.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import {
  givenFlags,
  parseInteger,
  parseModelPreset,
  percent,
  refuseGiven,
  type CliOutput,
} from './options.js';
import { EMBEDDING_ONLY } from './train-embedding.js';

export const SEGMENTATION_MODELS = ['unet-lite'] as const;
export const DIGIT_MASKS = 'digit-masks';

/** What segmentation training uses where the classification defaults do not fit. */
export const SEGMENTATION_TRAIN_DEFAULTS = {
  ...DIGIT_MASKS_RECIPE,
  dataset: DIGIT_MASKS,
  epochs: 8,
  batchSize: 16,
  trainSize: 6000,
  testSize: 1000,
  warmup: 50,
};

/** --model for train: a classification preset or graph file, or a segmentation model. */
export function parseTrainModel(value: string): string {
  if ((SEGMENTATION_MODELS as readonly string[]).includes(value)) return value;
  try {
    return parseModelPreset(value);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new InvalidArgumentError(
      `${error.message}; for --task segmentation: ${SEGMENTATION_MODELS.join(', ')}`,
    );
  }
}

/** Adds the segmentation options to `convnet train` (train.ts has --task and --loss). */
export function withSegmentationTrainOptions(command: Command): Command {
  const d = SEGMENTATION_TRAIN_DEFAULTS;
  return command
    .addOption(
      new Option(
        '--base <n>',
        `segmentation: U-Net-lite's first-level channels (default ${d.base})`,
      ).argParser(parseInteger(1)),
    )
    .addOption(
      new Option(
        '--depth <n>',
        `segmentation: U-Net-lite's pooling levels; sides are padded to multiples of 2^depth (default ${d.depth})`,
      ).argParser(parseInteger(1)),
    )
    .addOption(
      new Option(
        '--train-size <n>',
        `segmentation: digit-masks training scenes (default ${d.trainSize})`,
      ).argParser(parseInteger(1)),
    )
    .addOption(
      new Option(
        '--test-size <n>',
        `segmentation: digit-masks test scenes (default ${d.testSize})`,
      ).argParser(parseInteger(1)),
    )
    .addOption(
      new Option(
        '--warmup <steps>',
        `segmentation: linear warm-up steps before the cosine decay (default ${d.warmup})`,
      ).argParser(parseInteger(0)),
    )
    .addOption(
      new Option(
        '--up <mode>',
        `segmentation: how U-Net-lite's decoder doubles the size (default ${d.up})`,
      ).choices(['transpose', 'upsample']),
    )
    .addOption(
      new Option(
        '--class-weights <list>',
        `segmentation: cross-entropy weight per class, comma-separated, background first (default ${d.classWeights.join(',')} for digit-masks, all 1 for folders)`,
      ).argParser(parseWeightList),
    );
}

/** --class-weights: non-negative finite numbers, comma-separated. */
export function parseWeightList(value: string): number[] {
  return value.split(',').map((part, i) => {
    const weight = part.trim() === '' ? Number.NaN : Number(part);
    if (!Number.isFinite(weight) || weight < 0) {
      throw new InvalidArgumentError(
        `expected non-negative numbers separated by commas; item ${i + 1} is '${part}'`,
      );
    }
    return weight;
  });
}

interface SegmentationTrainFlags {
  dataset: string;
  channels: number;
  model: string;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  clipGradNorm?: number;
  seed: number;
  threads?: number;
  backend: BackendChoice;
  out?: string;
  limitTrain?: number;
  limitTest?: number;
  loss?: string;
  base?: number;
  depth?: number;
  trainSize?: number;
  testSize?: number;
  warmup?: number;
  up?: UnetUpMode;
  classWeights?: number[];
}

const CLASSIFICATION_ONLY = [
  'dataDir',
  'imageSize',
  'valSplit',
  'optimizer',
  'momentum',
  'schedule',
  'stepSize',
  'gamma',
  'augment',
  'resume',
  'stopAfter',
];
const SEGMENTATION_ONLY = [
  'base',
  'depth',
  'trainSize',
  'testSize',
  'warmup',
  'up',
  'classWeights',
];

/** Refuses segmentation options and models in a classification or embedding run (train.ts). */
export function checkNotSegmentationFlags(command: Command, task: string): void {
  refuseGiven(command, SEGMENTATION_ONLY, '--task segmentation only');
  const model = command.getOptionValue('model') as string;
  if ((SEGMENTATION_MODELS as readonly string[]).includes(model)) {
    throw new Error(
      `--model ${model} is a segmentation model: use --task segmentation (not ${task})`,
    );
  }
}

function loadSets(
  flags: SegmentationTrainFlags,
  command: Command,
): { train: SegmentationSet; test: SegmentationSet } {
  const d = SEGMENTATION_TRAIN_DEFAULTS;
  if (flags.dataset === DIGIT_MASKS) {
    return digitMasksSplits({
      trainSize: flags.trainSize ?? d.trainSize,
      testSize: flags.testSize ?? d.testSize,
      seed: flags.seed,
    });
  }
  const sized = givenFlags(command, ['trainSize', 'testSize']);
  if (sized.length > 0)
    throw new Error(`${sized.join(', ')} apply to --dataset ${DIGIT_MASKS} only`);
  const channels = flags.channels === 3 ? 3 : 1;
  return {
    train: segmentationSetFromFolder(
      readSegmentationFolder(join(flags.dataset, 'train'), { channels }),
    ),
    test: segmentationSetFromFolder(
      readSegmentationFolder(join(flags.dataset, 'test'), { channels }),
    ),
  };
}

/** The segmentation branch of `convnet train` (see the top of this file). */
export async function runSegmentationTraining(command: Command, output: CliOutput): Promise<void> {
  const flags = command.opts<SegmentationTrainFlags>();
  const d = SEGMENTATION_TRAIN_DEFAULTS;
  refuseGiven(command, CLASSIFICATION_ONLY, 'classification only, not --task segmentation');
  refuseGiven(command, EMBEDDING_ONLY, '--task embedding only, not --task segmentation');
  const lossName = flags.loss ?? d.loss;
  const loss = SEGMENTATION_LOSSES.find((l) => l === lossName);
  if (loss === undefined) {
    throw new Error(
      `--loss ${lossName} is an embedding loss; --task segmentation takes ${SEGMENTATION_LOSSES.join(', ')}`,
    );
  }
  const fromCli = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
  const dataset = fromCli('dataset') ? flags.dataset : d.dataset;
  const model = fromCli('model') ? flags.model : 'unet-lite';
  if (!(SEGMENTATION_MODELS as readonly string[]).includes(model)) {
    throw new Error(
      `--model ${model} is not a segmentation model (those are ${SEGMENTATION_MODELS.join(', ')})`,
    );
  }
  if (fromCli('channels') && dataset === DIGIT_MASKS) {
    throw new Error(`--channels applies to image folders; ${DIGIT_MASKS} scenes are grayscale`);
  }
  const epochs = fromCli('epochs') ? flags.epochs : d.epochs;
  const batchSize = fromCli('batchSize') ? flags.batchSize : d.batchSize;
  const lr = fromCli('lr') ? flags.lr : d.lr;
  const out =
    flags.out ??
    `runs/${dataset === DIGIT_MASKS ? DIGIT_MASKS : (dataset.split('/').pop() ?? 'folder')}-${model}`;
  const backend = await selectBackend(flags.backend, flags.threads);
  const reporter = consoleReporter({ stream: output.stdout });
  try {
    reporter.message(`kernels: ${backend.description}`);
    const loadStart = performance.now();
    let { train, test } = loadSets({ ...flags, dataset }, command);
    if (flags.limitTrain !== undefined) train = train.take(flags.limitTrain);
    if (flags.limitTest !== undefined) test = test.take(flags.limitTest);
    const [C, H, W] = train.imageShape;
    reporter.message(
      `data: ${dataset}, ${train.length} training and ${test.length} test images of ${W}x${H}, ${train.classNames.length} classes (${((performance.now() - loadStart) / 1000).toFixed(1)} s)`,
    );
    const depth = flags.depth ?? d.depth;
    const stride = unetLiteStride(depth);
    const net = unetLite({
      numClasses: train.classNames.length,
      inChannels: C,
      base: flags.base ?? d.base,
      depth,
      seed: flags.seed,
      up: flags.up ?? d.up,
      imageSize: [Math.ceil(H / stride) * stride, Math.ceil(W / stride) * stride],
    });
    const classWeights =
      flags.classWeights ?? (dataset === DIGIT_MASKS ? [...d.classWeights] : null);
    if (classWeights !== null && classWeights.length !== train.classNames.length) {
      throw new Error(
        `--class-weights gives ${classWeights.length} numbers; the dataset has ${train.classNames.length} classes (${train.classNames.join(', ')})`,
      );
    }
    const result = await trainSegmentation({
      model: net,
      train,
      test,
      epochs,
      batchSize,
      lr,
      weightDecay: flags.weightDecay,
      warmupSteps: flags.warmup ?? d.warmup,
      loss,
      classWeights,
      stride,
      seed: flags.seed,
      clipGradNorm: flags.clipGradNorm ?? null,
      out,
      dataset,
      reporter,
    });
    const { confusion } = result.test;
    const imagesPerSecond = (epochs * train.length) / result.trainSeconds;
    output.stdout.write(
      [
        confusion.format(test.classNames),
        `test mIoU ${percent(confusion.meanIoU())} after ${epochs} epoch${epochs === 1 ? '' : 's'}: ${result.trainSeconds.toFixed(0)} s of training, ${imagesPerSecond.toFixed(1)} images/s; segmenter saved in ${out}`,
        '',
      ].join('\n'),
    );
  } finally {
    reporter.close();
    backend.dispose();
  }
}
