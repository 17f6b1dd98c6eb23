/**
 * A trained detector in the project's one model format (src/io/model-file.ts): the run's
 * `model.safetensors`, whose spec says `task: 'detection'` and holds the graph, the seed, the
 * class names, the (identity) normalisation and the dataset. Everything a detector needs beyond
 * that comes from the graph itself (detectorLayout): the outputs `heatmap` (N, K, OH, OW),
 * `size` (N, 2, OH, OW) and `offset` (N, 2, OH, OW), and the stride H / OH of the maps, read
 * from the graph's shapes at its declared input size. What a run learned about itself (its
 * settings, history, metrics) goes in the run's report (detection-report.ts), not here. This
 * file reads and writes files; the browser-safe check of a model is detector-layout.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { MODEL_FILE_NAME, encodeModelFile } from '../../io/model-file.js';
import type { ModelSpec } from '../../io/model-spec.js';
import type { Graph } from '../../nn/graph/graph.js';
import { loadTrainedModel } from '../../train/trained-model.js';
import { detectorLayout, type DetectorLayout } from './detector-layout.js';

export interface LoadedDetector {
  /** In evaluation mode. */
  model: Graph;
  spec: ModelSpec;
  layout: DetectorLayout;
  /** The file it was read from. */
  source: string;
}

export interface SaveDetectorOptions {
  classNames: readonly string[];
  /** The seed its initial weights were made with. */
  seed: number;
  /** What it was trained on (or null). */
  dataset: string | null;
  /** The model's name; default 'digit-detector'. */
  name?: string;
}

/** Writes the detector's model file into `dir` (created if needed); returns its path. */
export async function saveDetector(
  dir: string,
  model: Graph,
  { classNames, seed, dataset, name = 'digit-detector' }: SaveDetectorOptions,
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, MODEL_FILE_NAME);
  const bytes = encodeModelFile(
    { name, task: 'detection', seed, classNames: [...classNames], dataset },
    model,
  );
  await writeFileAtomic(file, bytes);
  return file;
}

/**
 * Loads a detector from a run directory or a model file (loadTrainedModel); a model of another
 * task is an error naming the file.
 */
export async function loadDetector(
  path: string,
  { resident = false }: { resident?: boolean } = {},
): Promise<LoadedDetector> {
  const trained = await loadTrainedModel(path, { resident });
  const layout = detectorLayout(trained.spec, trained.model, trained.dir);
  return { model: trained.model, spec: trained.spec, layout, source: trained.dir };
}
