/**
 * Using a trained model: load it from a checkpoint directory, evaluate it on a dataset,
 * classify image files, and summarise a preset or a checkpoint's model. What `convnet eval`,
 * `convnet predict` and `convnet summary` call.
 *
 * Inputs are prepared as in training: images are decoded (PNG or JPEG), converted to the
 * model's channels, resized to its input size, scaled to [0,1] and normalised with the mean and
 * std saved in the spec.
 */
import { residentTensors } from '../kernels/backend.js';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noGrad } from '../autograd.js';
import { loadImage } from '../data/image-folder.js';
import { CheckpointError, loadCheckpoint } from '../io/checkpoint.js';
import { modelFromFile } from '../io/model-file.js';
import type { Sequential } from '../nn/sequential.js';
import { summary, type ModelSummary } from '../nn/summary.js';
import { Tensor } from '../tensor.js';
import { evaluate, type EvaluationResult } from './evaluate.js';
import {
  COMMON_PRESET_DEFAULTS,
  PRESET_NAMES,
  buildPreset,
  isPresetName,
} from '../nn/preset-table.js';
import { buildModel, parseModelSpec, type ModelSpec } from './model-spec.js';
import { loadTrainingData, parseTrainConfig, type TrainConfig } from './recipe.js';
import { parseTrainingState } from './training-state.js';

export interface TrainedModel {
  /** In evaluation mode, with the checkpoint's weights. */
  model: Sequential;
  spec: ModelSpec;
  dir: string;
  /** The run's settings and epochs completed, when the checkpoint has a training state. */
  config: TrainConfig | null;
  epoch: number | null;
}

function missingCheckpoint(dir: string, error: CheckpointError): Error {
  return new Error(
    `${error.message}. Pass the directory that \`convnet train --out DIR\` wrote (it holds checkpoint.json), or train a model first: convnet train --out ${dir}`,
    { cause: error },
  );
}

export interface LoadTrainedModelOptions {
  /**
   * Build the parameters in the current backend's resident memory (residentTensors), held for
   * the backend's life, so no kernel call copies them. Default false; the CLI sets it.
   */
  resident?: boolean;
}

/**
 * Loads a trained model: a checkpoint directory (`convnet train --out`), or a one-file model
 * (`model.safetensors` in that directory, or a file saved by the browser playground).
 */
export async function loadTrainedModel(
  dir: string,
  { resident = false }: LoadTrainedModelOptions = {},
): Promise<TrainedModel> {
  if (existsSync(dir) && statSync(dir).isFile()) return loadModelFile(dir, resident);
  let checkpoint;
  try {
    checkpoint = await loadCheckpoint(dir, { parts: ['spec', 'weights', 'state'] });
  } catch (error) {
    if (error instanceof CheckpointError && !existsSync(join(dir, 'checkpoint.json'))) {
      throw missingCheckpoint(dir, error);
    }
    throw error;
  }
  const spec = parseModelSpec(checkpoint.spec, join(dir, checkpoint.manifest.files.spec.file));
  const model = resident ? residentTensors(() => buildModel(spec)) : buildModel(spec);
  model.loadStateDict(checkpoint.weights);
  model.eval();
  let config: TrainConfig | null = null;
  let epoch: number | null = null;
  const stateFile = checkpoint.manifest.files.state?.file;
  if (checkpoint.state !== undefined && stateFile !== undefined) {
    const state = parseTrainingState(checkpoint.state, join(dir, stateFile));
    config = parseTrainConfig(state.config, join(dir, stateFile));
    epoch = state.epoch;
  }
  return { model, spec, dir, config, epoch };
}

export interface EvaluateTrainedOptions {
  /** 'mnist', 'fashion-mnist' or an image folder; default: the one it was trained on. */
  dataset?: string;
  dataDir?: string | null;
  /** Evaluate only the first images of the test split. */
  limitTest?: number | null;
  batchSize?: number;
}

export interface TrainedEvaluation extends EvaluationResult {
  /** The dataset's name (or the folder's path). */
  dataset: string;
  classNames: string[];
}

/** The model's loss, accuracy, per-class accuracy and confusion matrix on a test split. */
export async function evaluateTrained(
  trained: TrainedModel,
  { dataset, dataDir, limitTest = null, batchSize = 256 }: EvaluateTrainedOptions = {},
): Promise<TrainedEvaluation> {
  const { spec } = trained;
  const [H, W] = spec.options.imageSize;
  const name = dataset ?? spec.dataset;
  if (name === null) {
    throw new Error(
      `${trained.dir} does not say which dataset its model was trained on: name the dataset to evaluate on (convnet eval --dataset mnist, fashion-mnist or an image folder)`,
    );
  }
  const data = await loadTrainingData({
    dataset: name,
    // The run's data directory goes with the run's dataset only.
    dataDir: dataDir ?? (name === spec.dataset ? (trained.config?.dataDir ?? null) : null),
    imageSize: H,
    channels: spec.options.inChannels,
    // An image folder's test split is the one the run held out.
    ...(name === spec.dataset && trained.config !== null
      ? { valSplit: trained.config.valSplit }
      : {}),
    limitTrain: 1,
    limitTest,
  });
  const test = data.test;
  const [C, h, w] = test.imageShape;
  if (C !== spec.options.inChannels || h !== H || w !== W) {
    throw new Error(
      `${data.name} has ${C}x${h}x${w} images, but the model in ${trained.dir} takes ${spec.options.inChannels}x${H}x${W}`,
    );
  }
  if (test.classNames.length !== spec.classNames.length) {
    throw new Error(
      `${data.name} has ${test.classNames.length} classes, but the model in ${trained.dir} has ${spec.classNames.length} (${spec.classNames.join(', ')})`,
    );
  }
  const result = await evaluate(trained.model, test, { batchSize, normalize: spec.normalize });
  return { ...result, dataset: data.name, classNames: [...spec.classNames] };
}

export interface ClassProbability {
  classIndex: number;
  className: string;
  probability: number;
}

export interface Prediction {
  file: string;
  /** The topK classes, most probable first. */
  top: ClassProbability[];
}

export interface PredictOptions {
  /** How many classes to list per image; default 3. */
  topK?: number;
  /** Use 1 - pixel (dark drawings on white, for a model trained on white-on-black digits). */
  invert?: boolean;
}

/** softmax of one row of logits, in float64. */
function softmaxRow(logits: ArrayLike<number>, offset: number, K: number): number[] {
  let max = -Infinity;
  for (let k = 0; k < K; k++) max = Math.max(max, logits[offset + k]);
  const exps = Array.from({ length: K }, (_, k) => Math.exp(logits[offset + k] - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Classifies image files (PNG or JPEG); an unreadable file is an error that names it. */
export function predictFiles(
  trained: TrainedModel,
  files: readonly string[],
  { topK = 3, invert = false }: PredictOptions = {},
): Prediction[] {
  const { spec, model } = trained;
  const { inChannels: C, imageSize } = spec.options;
  const [H, W] = imageSize;
  const K = spec.classNames.length;
  if (files.length === 0) throw new Error('predict: no image files given');
  if (C !== 1 && C !== 3)
    throw new Error(`predict: the model takes ${C} channels; image files give 1 or 3`);
  if (!Number.isInteger(topK) || topK < 1)
    throw new RangeError(`predict: top-k must be a positive integer, got ${topK}`);
  const plane = H * W;
  const pixels = new Float32Array(files.length * C * plane);
  files.forEach((file, n) => {
    const image = loadImage(file, { channels: C, size: [H, W] });
    for (let c = 0; c < C; c++) {
      const scale = 1 / spec.normalize.std[c];
      const shift = spec.normalize.mean[c];
      const base = (n * C + c) * plane;
      for (let p = 0; p < plane; p++) {
        const x = image.pixels[c * plane + p];
        pixels[base + p] = ((invert ? 1 - x : x) - shift) * scale;
      }
    }
  });
  const input = new Tensor(pixels, [files.length, C, H, W]);
  const logits = noGrad(() => model.eval().forward(input));
  return files.map((file, n) => {
    const probabilities = softmaxRow(logits.data, n * K, K);
    const top = probabilities
      .map((probability, classIndex) => ({
        classIndex,
        className: spec.classNames[classIndex],
        probability,
      }))
      .sort((a, b) => b.probability - a.probability || a.classIndex - b.classIndex)
      .slice(0, Math.min(topK, K));
    return { file, top };
  });
}

export interface SummaryTarget {
  /** The model's name: the preset, or '<preset> from <dir>'. */
  title: string;
  summary: ModelSummary;
}

export interface PresetSummaryOptions {
  imageSize?: number;
  channels?: number;
  classes?: number;
}

/** The summary of a preset (built with these options) or of the model in a checkpoint directory. */
export async function summarizeModel(
  target: string,
  {
    imageSize = COMMON_PRESET_DEFAULTS.imageSize,
    channels = COMMON_PRESET_DEFAULTS.inChannels,
    classes = COMMON_PRESET_DEFAULTS.numClasses,
  }: PresetSummaryOptions = {},
): Promise<SummaryTarget> {
  if (isPresetName(target)) {
    const model = buildPreset(target, { inChannels: channels, numClasses: classes, imageSize });
    return { title: target, summary: summary(model, [1, channels, imageSize, imageSize]) };
  }
  if (!existsSync(target)) {
    throw new Error(
      `unknown model '${target}': give a preset (${PRESET_NAMES.join(', ')}) or a checkpoint directory written by convnet train --out`,
    );
  }
  const trained = await loadTrainedModel(target);
  const {
    inChannels,
    imageSize: [H, W],
  } = trained.spec.options;
  return {
    title: `${trained.spec.preset} from ${target}${trained.epoch === null ? '' : ` (epoch ${trained.epoch})`}`,
    summary: summary(trained.model, [1, inChannels, H, W]),
  };
}

/** A one-file model (src/io/model-file.ts): the preset, its options and weights, no training state. */
async function loadModelFile(file: string, resident: boolean): Promise<TrainedModel> {
  const { spec: fileSpec, model } = modelFromFile(new Uint8Array(await readFile(file)), {
    source: file,
    resident,
  });
  const { seed, inChannels, numClasses, imageSize } = fileSpec.options;
  const spec: ModelSpec = {
    preset: fileSpec.preset,
    options: { seed, inChannels, numClasses, imageSize },
    classNames: fileSpec.classNames ?? Array.from({ length: numClasses }, (_, k) => String(k)),
    normalize: fileSpec.normalize ?? {
      mean: new Array<number>(inChannels).fill(0),
      std: new Array<number>(inChannels).fill(1),
    },
    dataset: fileSpec.dataset ?? null,
  };
  model.eval();
  return { model, spec, dir: file, config: null, epoch: null };
}
