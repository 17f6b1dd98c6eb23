/**
 * Using a trained model: load it from a checkpoint directory, evaluate it on a dataset, and
 * summarise a preset or a checkpoint's model. What `convnet eval` and `convnet summary` call;
 * classifying image files (`convnet predict`) is in predict.ts.
 */
import { residentTensors } from '../kernels/backend.js';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_MANIFEST, CheckpointError, loadCheckpoint } from '../io/checkpoint.js';
import { MODEL_FILE_NAME, modelFromFile } from '../io/model-file.js';
import { Graph } from '../nn/graph/graph.js';
import { summary, type ModelSummary } from '../nn/summary.js';
import { evaluate, type EvaluationResult } from './evaluate.js';
import {
  COMMON_PRESET_DEFAULTS,
  PRESET_NAMES,
  buildPreset,
  isPresetName,
} from '../nn/preset-table.js';
import {
  buildModel,
  completeModelSpec,
  modelInput,
  type ModelSpec,
  type ModelTask,
} from '../io/model-spec.js';
import { isGraphFile, modelName, readGraphFile } from './model-source.js';
import { loadTrainingData, parseTrainConfig, type TrainConfig } from './recipe.js';
import { parseTrainingState } from './training-state.js';

export interface TrainedModel {
  /** In evaluation mode, with the checkpoint's weights. */
  model: Graph;
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
  if (existsSync(dir) && statSync(dir).isFile()) {
    if (dir.endsWith('.json')) {
      throw new Error(
        `${dir} describes an architecture, without weights: train it first (convnet train --model ${dir} --out DIR), then pass DIR`,
      );
    }
    return loadModelFile(dir, resident);
  }
  // A directory with a model file and no checkpoint (convnet import writes one).
  const modelFile = join(dir, MODEL_FILE_NAME);
  if (!existsSync(join(dir, CHECKPOINT_MANIFEST)) && existsSync(modelFile)) {
    return loadModelFile(modelFile, resident);
  }
  let checkpoint;
  try {
    checkpoint = await loadCheckpoint(dir, { parts: ['spec', 'weights', 'state'] });
  } catch (error) {
    if (error instanceof CheckpointError && !existsSync(join(dir, 'checkpoint.json'))) {
      throw missingCheckpoint(dir, error);
    }
    throw error;
  }
  const spec = completeModelSpec(checkpoint.spec, join(dir, checkpoint.manifest.files.spec.file));
  const build = () => buildModel(spec, dir);
  const model = resident ? residentTensors(build) : build();
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

/** The command that uses a model of each task other than classification. */
const TASK_COMMANDS: Readonly<Record<Exclude<ModelTask, 'classification'>, string>> = {
  detection: 'convnet detect --model DIR IMAGE (or convnet eval --model DIR for its AP)',
  embedding:
    'convnet search --model DIR IMAGE (after convnet index), or convnet eval --task retrieval --model DIR',
  segmentation:
    'convnet segment --model DIR IMAGE --out mask.png, or convnet eval --model DIR (its mean IoU)',
};

/**
 * Refuses a model that is not a classifier, naming the file and the command for its task:
 * what `convnet eval`, `predict` and `visualize` check before they read class scores.
 */
export function requireClassifier(
  trained: Pick<TrainedModel, 'spec' | 'dir'>,
  command: string,
): void {
  const { task, name } = trained.spec;
  if (task === 'classification') return;
  throw new Error(
    `${trained.dir} holds a${task === 'embedding' ? 'n' : ''} ${task} model (${name}), not a classifier: convnet ${command} classifies images; use ${TASK_COMMANDS[task]}`,
  );
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
  requireClassifier(trained, 'eval');
  const { spec } = trained;
  const {
    inChannels,
    imageSize: [H, W],
  } = modelInput(spec);
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
    channels: inChannels,
    // An image folder's test split is the one the run held out.
    ...(name === spec.dataset && trained.config !== null
      ? { valSplit: trained.config.valSplit }
      : {}),
    limitTrain: 1,
    limitTest,
  });
  const test = data.test;
  const [C, h, w] = test.imageShape;
  if (C !== inChannels || h !== H || w !== W) {
    throw new Error(
      `${data.name} has ${C}x${h}x${w} images, but the model in ${trained.dir} takes ${inChannels}x${H}x${W}`,
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

export interface SummaryTarget {
  /** The model's name: the preset, or '<preset> from <dir>'. */
  title: string;
  summary: ModelSummary;
  /** The model summarized (summary.inputShape is the input it was given). */
  model: Graph;
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
    return { title: target, summary: summary(model, [1, channels, imageSize, imageSize]), model };
  }
  if (isGraphFile(target) && target.endsWith('.json')) {
    const graph = Graph.fromSpec(await readGraphFile(target), { source: target });
    const [input] = graph.inputs;
    return { title: modelName(target), summary: summary(graph, [1, ...input.shape]), model: graph };
  }
  if (!existsSync(target)) {
    throw new Error(
      `unknown model '${target}': give a preset (${PRESET_NAMES.join(', ')}), a graph file (.json) or a checkpoint directory written by convnet train --out`,
    );
  }
  const trained = await loadTrainedModel(target);
  const {
    inChannels,
    imageSize: [H, W],
  } = modelInput(trained.spec);
  return {
    title: `${trained.spec.name} from ${target}${trained.epoch === null ? '' : ` (epoch ${trained.epoch})`}`,
    summary: summary(trained.model, [1, inChannels, H, W]),
    model: trained.model,
  };
}

/** A one-file model (src/io/model-file.ts): the graph, its spec and weights, no training state. */
async function loadModelFile(file: string, resident: boolean): Promise<TrainedModel> {
  const { spec, model } = modelFromFile(new Uint8Array(await readFile(file)), {
    source: file,
    resident,
  });
  return { model, spec, dir: file, config: null, epoch: null };
}
