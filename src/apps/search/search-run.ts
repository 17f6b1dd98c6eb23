/**
 * The search application on disk (Node): a model directory holds
 *
 *   model.safetensors       the trained embedding model: an ordinary model file (src/io/), its
 *                           spec's task 'embedding', its graph ending in L2 normalisation
 *   embedding-run.json      how it was trained (loss, data, schedule) and each epoch's scores
 *   search-index.json ...   the default search index (search-index.ts, built by build-index.ts)
 *
 * every file written atomically. trainEmbeddingRun trains and saves a model; loadSearchModel
 * reads it back; loadModelData reads the dataset it was trained on (or another) as it was.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { channelStats, type AugmentOptions } from '../../data/loader.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { CHECKPOINT_MANIFEST } from '../../io/checkpoint.js';
import { MODEL_FILE_NAME, decodeModelFile, encodeModelFile } from '../../io/model-file.js';
import { modelInput, type ModelSpec } from '../../io/model-spec.js';
import { residentTensors } from '../../kernels/backend.js';
import type { Graph } from '../../nn/graph/graph.js';
import { silentReporter, type ProgressReporter } from '../../train/progress.js';
import { augmentFor, loadTrainingData, type TrainingData } from '../../train/recipe.js';
import { loadTrainedModel } from '../../train/trained-model.js';
import { embeddingDim } from './embedding-net.js';
import { embeddingSourceFor } from './embedding-source.js';
import {
  trainEmbedding,
  type EmbeddingEpoch,
  type EmbeddingLossConfig,
} from './train-embedding.js';

export const RUN_FILE = 'embedding-run.json';

export interface EmbeddingRunConfig {
  dataset: string;
  dataDir: string | null;
  /** Image folders: the side images are resized to, and 1 or 3 channels. */
  imageSize: number;
  channels: number;
  limitTrain: number | null;
  limitTest: number | null;
  /** embedding-net (the preset) or a graph file with an embedding head (embedding-source.ts). */
  model: string;
  /** D for embedding-net; for a graph file, null or the graph's D (checked). */
  dim: number | null;
  loss: EmbeddingLossConfig;
  /** Random crop (2-pixel padding) and, except for MNIST digits, horizontal flip. */
  augment: boolean;
  /**
   * Horizontal flips alone (the recipe's, EMBEDDING_RECIPE.horizontalFlip); augment includes
   * them.
   */
  flip: boolean;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  seed: number;
}

/** Trains an embedding model on the config's dataset and saves it in `out`. */
export async function trainEmbeddingRun(
  config: EmbeddingRunConfig,
  out: string,
  reporter: ProgressReporter = silentReporter,
): Promise<{ spec: ModelSpec; history: EmbeddingEpoch[]; modelFile: string }> {
  const data = await loadData(config, reporter);
  const [C, H, W] = data.train.imageShape;
  const stats = channelStats(data.train);
  const normalize = { mean: [...stats.mean], std: [...stats.std] };
  const { seed, dim } = config;
  const source = await embeddingSourceFor(config.model, [C, H, W], { dim, seed });
  const model = residentTensors(source.build);
  const history = await trainEmbedding({
    model,
    train: data.train,
    test: data.test,
    loss: config.loss,
    epochs: config.epochs,
    batchSize: config.batchSize,
    lr: config.lr,
    weightDecay: config.weightDecay,
    seed,
    normalize,
    augment: augmentOf(config, data.name),
    reporter,
  });
  const bytes = encodeModelFile(
    {
      name: source.name,
      task: 'embedding',
      seed,
      classNames: [...data.train.classNames],
      normalize,
      dataset: data.name,
    },
    model,
  );
  const modelFile = join(out, MODEL_FILE_NAME);
  await mkdir(out, { recursive: true });
  await writeFileAtomic(modelFile, bytes);
  // The run's D as trained (a preset's default, a graph file's own), not null.
  const record = { config: { ...config, dim: embeddingDim(model) }, history };
  await writeFileAtomic(join(out, RUN_FILE), `${JSON.stringify(record, null, 2)}\n`);
  return { spec: decodeModelFile(bytes).spec, history, modelFile };
}

/** A run's augmentation: --augment's crops and flips, else the flips alone, else none. */
function augmentOf(config: EmbeddingRunConfig, datasetName: string): AugmentOptions | undefined {
  if (config.augment) return augmentFor(config, datasetName);
  return config.flip ? { horizontalFlip: true } : undefined;
}

type DataConfig = Pick<
  EmbeddingRunConfig,
  'dataset' | 'dataDir' | 'imageSize' | 'channels' | 'limitTrain' | 'limitTest'
>;

async function loadData(config: DataConfig, reporter: ProgressReporter): Promise<TrainingData> {
  const data = await loadTrainingData(config, (m) => reporter.message(m));
  reporter.message(
    `dataset ${data.name}: ${data.train.length.toLocaleString('en-US')} training (gallery) and ${data.test.length.toLocaleString('en-US')} test (query) images (read in ${data.seconds.toFixed(2)} s)`,
  );
  return data;
}

export interface SearchModel {
  spec: ModelSpec;
  /** In evaluation mode, resident in the backend; gives (N, D) unit vectors. */
  model: Graph;
  /** D. */
  dim: number;
  /** The model's directory, where its index goes by default. */
  dir: string;
  /** The file the model was read from (its model file, or a checkpoint's manifest). */
  file: string;
}

/** The file a model path (a model file, or a directory as loadTrainedModel reads it) stands on. */
function modelFileOf(path: string): string {
  if (statSync(path).isFile()) return path;
  const modelFile = join(path, MODEL_FILE_NAME);
  return existsSync(join(path, CHECKPOINT_MANIFEST)) || !existsSync(modelFile)
    ? join(path, CHECKPOINT_MANIFEST)
    : modelFile;
}

/**
 * Reads a model directory's (or a model file's) embedding model, resident in the backend; a
 * model of another task is refused, naming it.
 */
export async function loadSearchModel(path: string): Promise<SearchModel> {
  const trained = await loadTrainedModel(path, { resident: true });
  const { spec, model } = trained;
  if (spec.task !== 'embedding') {
    throw new Error(
      `${path} holds a ${spec.task} model (${spec.name}), not an embedding model: convnet index, convnet search and convnet eval --task retrieval take one that convnet train --task embedding wrote`,
    );
  }
  const file = modelFileOf(path);
  return { spec, model, dim: embeddingDim(model), dir: dirname(file), file };
}

export interface DataOptions {
  /** 'mnist', 'fashion-mnist' or an image folder; default: the model's own. */
  dataset?: string | null;
  limitTrain?: number | null;
  limitTest?: number | null;
  /** Fashion-MNIST's files, when not in the usual places. */
  dataDir?: string | null;
}

/** The model's datasets (with the limits given), read as it was trained. */
export function loadModelData(
  m: SearchModel,
  { dataset = null, limitTrain = null, limitTest = null, dataDir = null }: DataOptions = {},
  reporter: ProgressReporter = silentReporter,
): Promise<TrainingData> {
  dataset ??= m.spec.dataset;
  if (dataset === null) {
    throw new Error(
      `${m.file}: the model does not say which dataset it was trained on: name one with --dataset`,
    );
  }
  const {
    inChannels,
    imageSize: [H],
  } = modelInput(m.spec);
  return loadData(
    { dataset, dataDir, imageSize: H, channels: inChannels, limitTrain, limitTest },
    reporter,
  );
}
