/**
 * The search application on disk (Node): a model directory holds
 *
 *   embedding.safetensors   the trained embedding model (embedding-model.ts)
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
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { channelStats } from '../../data/loader.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { readSafetensors, writeSafetensors } from '../../io/safetensors-file.js';
import type { Graph } from '../../nn/graph/graph.js';
import { Tensor } from '../../tensor.js';
import { silentReporter, type ProgressReporter } from '../../train/progress.js';
import { loadTrainingData, type TrainingData } from '../../train/recipe.js';
import { embedDataset } from './embed.js';
import {
  buildEmbeddingModel,
  decodeEmbeddingModel,
  encodeEmbeddingModel,
  type EmbeddingSpec,
} from './embedding-model.js';
import type { Vectors } from './exact-search.js';
import { HnswIndex } from './hnsw-index.js';
import {
  trainEmbedding,
  type EmbeddingEpoch,
  type EmbeddingLossConfig,
} from './train-embedding.js';

export const MODEL_FILE = 'embedding.safetensors';
export const GALLERY_FILE = 'gallery.safetensors';
export const HNSW_FILE = 'gallery.usearch';

export interface EmbeddingRunConfig {
  dataset: string;
  dataDir: string | null;
  limitTrain: number | null;
  limitTest: number | null;
  dim: number;
  loss: EmbeddingLossConfig;
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
): Promise<{ spec: EmbeddingSpec; history: EmbeddingEpoch[]; modelFile: string }> {
  const data = await loadData(
    config.dataset,
    config.dataDir,
    config.limitTrain,
    config.limitTest,
    reporter,
  );
  const [C, H, W] = data.train.imageShape;
  const stats = channelStats(data.train);
  const spec: EmbeddingSpec = {
    options: { seed: config.seed, inChannels: C, imageSize: [H, W], dim: config.dim },
    classNames: [...data.train.classNames],
    normalize: { mean: [...stats.mean], std: [...stats.std] },
    dataset: data.name,
    dataDir: config.dataDir,
    loss: config.loss,
  };
  const model = buildEmbeddingModel(spec, true);
  const history = await trainEmbedding({
    model,
    train: data.train,
    test: data.test,
    loss: config.loss,
    epochs: config.epochs,
    batchSize: config.batchSize,
    lr: config.lr,
    weightDecay: config.weightDecay,
    seed: config.seed,
    normalize: spec.normalize,
    reporter,
  });
  const modelFile = join(out, MODEL_FILE);
  await mkdir(out, { recursive: true });
  await writeFileAtomic(modelFile, encodeEmbeddingModel(spec, model));
  return { spec, history, modelFile };
}

async function loadData(
  dataset: string,
  dataDir: string | null,
  limitTrain: number | null,
  limitTest: number | null,
  reporter: ProgressReporter,
): Promise<TrainingData> {
  const data = await loadTrainingData(
    { dataset, dataDir, imageSize: 28, channels: 3, limitTrain, limitTest },
    (m) => reporter.message(m),
  );
  reporter.message(
    `dataset ${data.name}: ${data.train.length.toLocaleString('en-US')} training (gallery) and ${data.test.length.toLocaleString('en-US')} test (query) images (read in ${data.seconds.toFixed(2)} s)`,
  );
  return data;
}

export interface SearchModel {
  spec: EmbeddingSpec;
  model: Graph;
  dir: string;
}

/** Reads a model directory's (or a model file's) embedding model, resident in the backend. */
export async function loadSearchModel(path: string): Promise<SearchModel> {
  const isFile = existsSync(path) && statSync(path).isFile();
  const file = isFile ? path : join(path, MODEL_FILE);
  if (!existsSync(file)) {
    throw new Error(
      `${file} does not exist: --model takes the directory that convnet train --task embedding --out DIR wrote`,
    );
  }
  const { spec, model } = decodeEmbeddingModel(await readFile(file), {
    source: file,
    resident: true,
  });
  return { spec, model, dir: isFile ? join(path, '..') : path };
}

/** The model's datasets (with the limits given), as it was trained. */
export function loadModelData(
  m: SearchModel,
  limits: { limitTrain?: number | null; limitTest?: number | null } = {},
  reporter: ProgressReporter = silentReporter,
): Promise<TrainingData> {
  return loadData(
    m.spec.dataset,
    m.spec.dataDir,
    limits.limitTrain ?? null,
    limits.limitTest ?? null,
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
  const labels = labelsOf(data);
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

function labelsOf(data: TrainingData): Int32Array {
  const labels = new Int32Array(data.train.length);
  const chunk = 4096;
  for (let i = 0; i < labels.length; i += chunk) {
    const ids = Array.from({ length: Math.min(chunk, labels.length - i) }, (_, j) => i + j);
    labels.set(data.train.getBatch(ids).labels, i);
  }
  return labels;
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
  if (v.shape[1] !== m.spec.options.dim) {
    throw new Error(
      `${file} holds ${v.shape[1]}-d vectors, but the model makes ${m.spec.options.dim}-d ones; rebuild it with convnet index --model ${m.dir}`,
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
  return HnswIndex.load(join(m.dir, HNSW_FILE), m.spec.options.dim);
}
