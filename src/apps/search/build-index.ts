/**
 * Building a search index (search-index.ts) with an embedding model: from a dataset (one split,
 * or train then test), or from a folder of the user's own images (image-files.ts). The images
 * are embedded (embed.ts), the HNSW graph built over the vectors (hnsw-index.ts), and everything
 * written with the model's identity, so that a search with another model is refused.
 */
import type { InMemoryDataset } from '../../data/dataset.js';
import { modelInput } from '../../io/model-spec.js';
import type { TrainingData } from '../../train/recipe.js';
import { embedDataset, embedImages } from './embed.js';
import type { Vectors } from './exact-search.js';
import { HnswIndex } from './hnsw-index.js';
import { imageFileSource, type ImageFolderListing } from './image-files.js';
import { datasetLabels } from './pk-batches.js';
import type { SearchModel } from './search-run.js';
import {
  modelIdentity,
  writeSearchIndex,
  type IndexManifest,
  type IndexSource,
} from './search-index.js';

export const DATASET_SPLITS = ['train', 'test', 'all'] as const;
export type DatasetSplit = (typeof DATASET_SPLITS)[number];

export interface BuildIndexOptions {
  /** The index folder. */
  out: string;
  /** Images per embedding batch (embed.ts's default when absent). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** A built index: its manifest, vectors and labels, the HNSW graph, and how long each took. */
export interface BuiltIndex {
  manifest: IndexManifest;
  vectors: Vectors;
  labels: Int32Array;
  /** Image folders: each item's path relative to the folder; else null. */
  paths: readonly string[] | null;
  hnsw: HnswIndex;
  embedSeconds: number;
  hnswSeconds: number;
}

async function finish(
  m: SearchModel,
  vectors: Vectors,
  embedSeconds: number,
  rest: {
    out: string;
    labels: Int32Array;
    source: IndexSource;
    classNames: readonly string[] | null;
    paths: readonly string[] | null;
  },
): Promise<BuiltIndex> {
  const start = performance.now();
  const hnsw = HnswIndex.build(vectors);
  const hnswSeconds = (performance.now() - start) / 1000;
  const manifest = await writeSearchIndex(rest.out, {
    model: await modelIdentity(m.file),
    source: rest.source,
    classNames: rest.classNames,
    vectors,
    labels: rest.labels,
    paths: rest.paths,
    hnsw,
  });
  return {
    manifest,
    vectors,
    labels: rest.labels,
    paths: rest.paths,
    hnsw,
    embedSeconds,
    hnswSeconds,
  };
}

/** Fails unless the dataset's images have the model's input shape, naming both. */
function checkShape(m: SearchModel, name: string, dataset: InMemoryDataset): void {
  const { inChannels, imageSize } = modelInput(m.spec);
  const want = [inChannels, ...imageSize];
  const got = dataset.imageShape;
  if (got.some((d, i) => d !== want[i]))
    throw new Error(
      `dataset ${name} has (${got.join(',')}) images, but the model ${m.file} takes (${want.join(',')})`,
    );
}

/** Embeds a dataset's split (or train then test) into an index in `out`. */
export async function buildDatasetIndex(
  m: SearchModel,
  data: TrainingData,
  split: DatasetSplit,
  { out, batchSize, onProgress }: BuildIndexOptions,
): Promise<BuiltIndex> {
  const parts = split === 'all' ? [data.train, data.test] : [data[split]];
  for (const part of parts) checkShape(m, data.name, part);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const start = performance.now();
  const embedded: Vectors[] = [];
  let before = 0;
  for (const part of parts) {
    const offset = before;
    embedded.push(
      await embedDataset(m.model, part, {
        normalize: m.spec.normalize,
        batchSize,
        onProgress: (done) => onProgress?.(offset + done, total),
      }),
    );
    before += part.length;
  }
  const embedSeconds = (performance.now() - start) / 1000;
  const dim = embedded[0].dim;
  const vectors: Vectors = { data: new Float32Array(total * dim), count: total, dim };
  for (const [i, part] of embedded.entries())
    vectors.data.set(part.data, i * embedded[0].data.length);
  const labels = new Int32Array(total);
  before = 0;
  for (const part of parts) {
    labels.set(datasetLabels(part), before);
    before += part.length;
  }
  const train = split === 'test' ? 0 : data.train.length;
  return finish(m, vectors, embedSeconds, {
    out,
    labels,
    source: { kind: 'dataset', name: data.name, split, train },
    classNames: data.train.classNames,
    paths: null,
  });
}

/** Embeds a folder's images (image-files.ts) into an index in `out`. */
export async function buildImageFolderIndex(
  m: SearchModel,
  listing: ImageFolderListing,
  resize: boolean,
  { out, batchSize, onProgress }: BuildIndexOptions,
): Promise<BuiltIndex> {
  const { inChannels, imageSize } = modelInput(m.spec);
  const source = imageFileSource(listing, [inChannels, ...imageSize], resize);
  const start = performance.now();
  const vectors = await embedImages(m.model, source, {
    normalize: m.spec.normalize,
    batchSize,
    onProgress,
  });
  const embedSeconds = (performance.now() - start) / 1000;
  return finish(m, vectors, embedSeconds, {
    out,
    labels: listing.labels,
    source: { kind: 'images', root: listing.root, resize },
    classNames: listing.classNames,
    paths: listing.files,
  });
}
