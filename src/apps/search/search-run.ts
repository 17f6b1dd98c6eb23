/**
 * The search application on disk (Node): a model directory holds
 *
 *   model.safetensors       the trained embedding model: an ordinary model file (src/io/), its
 *                           spec's task 'embedding', its graph ending in L2 normalisation
 *   embedding-run.json      how it was trained (loss, data, schedule) and each epoch's scores
 *   gallery.safetensors     the gallery: vectors (N,D) and labels (N) of the training split,
 *                           with the dataset it came from in its metadata
 *   gallery.usearch         the HNSW index of the same vectors (hnsw-index.ts)
 *
 * every file written atomically. trainEmbeddingRun trains and saves a model; buildGallery embeds
 * the training split into the gallery beside it; loadSearchModel / loadGallery read them back.
 * Gallery item i is `<dataset>:train:<i>`: row i of the training split as loadTrainingData
 * reads it.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { channelStats } from '../../data/loader.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { MODEL_FILE_NAME, decodeModelFile, encodeModelFile } from '../../io/model-file.js';
import { modelInput, type ModelSpec } from '../../io/model-spec.js';
import { readSafetensors, writeSafetensors } from '../../io/safetensors-file.js';
import { residentTensors } from '../../kernels/backend.js';
import type { Graph } from '../../nn/graph/graph.js';
import { Tensor } from '../../tensor.js';
import { silentReporter, type ProgressReporter } from '../../train/progress.js';
import { augmentFor, loadTrainingData, type TrainingData } from '../../train/recipe.js';
import { loadTrainedModel } from '../../train/trained-model.js';
import { embedDataset } from './embed.js';
import { embeddingDim } from './embedding-net.js';
import { embeddingSourceFor } from './embedding-source.js';
import type { Vectors } from './exact-search.js';
import { HnswIndex } from './hnsw-index.js';
import { datasetLabels } from './pk-batches.js';
import {
  trainEmbedding,
  type EmbeddingEpoch,
  type EmbeddingLossConfig,
} from './train-embedding.js';

export const RUN_FILE = 'embedding-run.json';
export const GALLERY_FILE = 'gallery.safetensors';
export const HNSW_FILE = 'gallery.usearch';

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
    augment: augmentFor(config, data.name),
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
  const record = { config, history };
  await writeFileAtomic(join(out, RUN_FILE), `${JSON.stringify(record, null, 2)}\n`);
  return { spec: decodeModelFile(bytes).spec, history, modelFile };
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
  /** The directory the gallery and index go in (the model file's). */
  dir: string;
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
  const isFile = existsSync(path) && statSync(path).isFile();
  return { spec, model, dim: embeddingDim(model), dir: isFile ? dirname(path) : path };
}

export interface DataOptions {
  limitTrain?: number | null;
  limitTest?: number | null;
  /** Fashion-MNIST's files, when not in the usual places. */
  dataDir?: string | null;
}

/** The model's datasets (with the limits given), read as it was trained. */
export function loadModelData(
  m: SearchModel,
  { limitTrain = null, limitTest = null, dataDir = null }: DataOptions = {},
  reporter: ProgressReporter = silentReporter,
): Promise<TrainingData> {
  const dataset = m.spec.dataset;
  if (dataset === null) {
    throw new Error(`${m.dir}: the model does not say which dataset it was trained on`);
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

export interface Gallery {
  vectors: Vectors;
  labels: Int32Array;
  /** Where the vectors came from: `<dataset>:train`. */
  source: string;
}

/** Embeds the training split and writes the gallery and its HNSW index beside the model. */
export async function buildGallery(
  m: SearchModel,
  data: TrainingData,
  onProgress?: (done: number, total: number) => void,
): Promise<{ gallery: Gallery; embedSeconds: number; hnsw: HnswIndex; hnswSeconds: number }> {
  const start = performance.now();
  const vectors = await embedDataset(m.model, data.train, {
    normalize: m.spec.normalize,
    onProgress,
  });
  const embedSeconds = (performance.now() - start) / 1000;
  const labels = datasetLabels(data.train);
  const gallery = { vectors, labels, source: `${data.name}:train` };
  await writeSafetensors(
    join(m.dir, GALLERY_FILE),
    {
      vectors: new Tensor(vectors.data, [vectors.count, vectors.dim]),
      labels: new Tensor(Float32Array.from(labels), [labels.length]),
    },
    { format: 'convnet-ts-gallery', source: gallery.source },
  );
  const hnswStart = performance.now();
  const hnsw = HnswIndex.build(vectors);
  const hnswSeconds = (performance.now() - hnswStart) / 1000;
  await hnsw.save(join(m.dir, HNSW_FILE));
  return { gallery, embedSeconds, hnsw, hnswSeconds };
}

/** Reads the gallery beside the model; fails, saying how to make it, when there is none. */
export async function loadGallery(m: SearchModel): Promise<Gallery> {
  const file = join(m.dir, GALLERY_FILE);
  if (!existsSync(file))
    throw new Error(
      `${file} does not exist: build the index first with convnet index --model ${m.dir}`,
    );
  const { tensors, metadata } = await readSafetensors(file);
  const v = tensors.get('vectors');
  const l = tensors.get('labels');
  if (v === undefined || l === undefined || v.rank !== 2 || l.size !== v.shape[0])
    throw new Error(`${file}: not a gallery (vectors (N,D) and labels (N) expected)`);
  if (v.shape[1] !== m.dim) {
    throw new Error(
      `${file} holds ${v.shape[1]}-d vectors, but the model makes ${m.dim}-d ones; rebuild it with convnet index --model ${m.dir}`,
    );
  }
  return {
    vectors: { data: Float32Array.from(v.data), count: v.shape[0], dim: v.shape[1] },
    labels: Int32Array.from(l.data),
    source: metadata.source ?? 'unknown',
  };
}

/** The HNSW index beside the model. */
export function loadHnsw(m: SearchModel): Promise<HnswIndex> {
  return HnswIndex.load(join(m.dir, HNSW_FILE), m.dim);
}
