/**
 * Searching a search index (search-index.ts) with an image file: the query is prepared as the
 * index's images were (a dataset index: as `convnet predict` prepares a file for the model; an
 * image-folder index: as image-files.ts read the folder), embedded, and matched by exact top-k
 * over the vectors (cosine distance 1 - q.g, the topK kernel) or by the HNSW graph. Each hit
 * names its item (path or `<dataset>:<split>:<i>`), its label and distance. resultTiles reads
 * the hits' images back for the picture (results-picture.ts).
 */
import { join } from 'node:path';
import { noGrad } from '../../autograd.js';
import { modelInput } from '../../io/model-spec.js';
import type { Raster } from '../../viz/png.js';
import { Tensor } from '../../tensor.js';
import { prepareImageFile } from '../../train/predict.js';
import type { TrainingData } from '../../train/recipe.js';
import { normalizeBatch } from './embed.js';
import { topK, type Vectors } from './exact-search.js';
import { readModelImage } from './image-files.js';
import { imageTile } from './results-picture.js';
import type { SearchModel } from './search-run.js';
import { itemName, readIndexHnsw, type SearchIndex } from './search-index.js';

/** A query image as the model takes it. */
export interface PreparedQuery {
  /** (1, D), a unit vector. */
  vector: Vectors;
  /** (C,H,W) in [0,1], for the picture. */
  raw: Float32Array;
  /** What the user may want to know (an automatic inversion, a blank image). */
  notes: string[];
}

/** Reads and embeds a query image file as the index's images were (see the top of the file). */
export function prepareQuery(m: SearchModel, index: SearchIndex, file: string): PreparedQuery {
  const { spec } = m;
  const { inChannels: C, imageSize } = modelInput(spec);
  const [H, W] = imageSize;
  const { source } = index.manifest;
  let pixels: Float32Array;
  let raw: Float32Array;
  let notes: string[] = [];
  if (source.kind === 'images') {
    raw = readModelImage(file, [C, H, W], source.resize);
    pixels = raw.slice();
    normalizeBatch(pixels, [C, H, W], spec.normalize);
  } else {
    const prepared = prepareImageFile(spec, file);
    pixels = prepared.pixels;
    notes = prepared.notes;
    raw = pixels.map((v, i) => {
      const c = Math.floor(i / (H * W));
      return v * spec.normalize.std[c] + spec.normalize.mean[c];
    });
  }
  const y = noGrad(() => m.model.forward(new Tensor(pixels, [1, C, H, W])));
  return { vector: { data: Float32Array.from(y.data), count: 1, dim: m.dim }, raw, notes };
}

/** One result. */
export interface SearchHit {
  rank: number;
  /** The item's row in the index. */
  index: number;
  /** Its path, or `<dataset>:<split>:<i>`. */
  path: string;
  /** Its class name, or null when the index has no labels. */
  label: string | null;
  /** Cosine distance, 1 - cosine similarity (at least 0). */
  distance: number;
}

/** The k nearest items to the query, by exact search or by the HNSW graph. */
export async function searchIndex(
  index: SearchIndex,
  query: Vectors,
  k: number,
  how: 'exact' | 'hnsw',
): Promise<SearchHit[]> {
  const n = Math.min(k, index.vectors.count);
  let found: { indices: Int32Array; distances: ArrayLike<number> };
  if (how === 'hnsw') found = (await readIndexHnsw(index)).search(query, n);
  else {
    const r = topK(query, index.vectors, n);
    found = { indices: r.indices, distances: r.scores.map((s) => 1 - s) };
  }
  const names = index.manifest.classNames;
  const hits: SearchHit[] = [];
  for (let i = 0; i < n; i++) {
    const id = found.indices[i];
    if (id < 0) continue;
    const label = index.labels[id];
    hits.push({
      rank: hits.length + 1,
      index: id,
      path: itemName(index, id),
      label: names === null || label < 0 ? null : names[label],
      // At least 0: an image against itself, embedded in another batch (another convolution
      // path, other rounding), can give a dot product of unit vectors a few ulps above 1.
      distance: Math.max(0, found.distances[i]),
    });
  }
  return hits;
}

/**
 * The hits' images as tiles: read from the dataset (a dataset index; `data` as loadModelData
 * reads the index's dataset) or from their files.
 */
export function resultTiles(
  m: SearchModel,
  index: SearchIndex,
  hits: readonly SearchHit[],
  data: TrainingData | null,
): Raster[] {
  const { inChannels: C, imageSize } = modelInput(m.spec);
  const shape = [C, ...imageSize];
  const stride = C * imageSize[0] * imageSize[1];
  const { source } = index.manifest;
  return hits.map((hit) => {
    if (source.kind === 'images') {
      const file = join(source.root, (index.paths as string[])[hit.index]);
      return imageTile(readModelImage(file, [C, imageSize[0], imageSize[1]], source.resize), shape);
    }
    if (data === null) throw new Error('resultTiles: a dataset index needs its dataset');
    const fromTest = source.split === 'test' || hit.index >= source.train;
    const i = source.split === 'test' ? hit.index : fromTest ? hit.index - source.train : hit.index;
    const images = (fromTest ? data.test : data.train).images.data;
    return imageTile(images.subarray(i * stride, (i + 1) * stride), shape);
  });
}
