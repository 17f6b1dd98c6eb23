/**
 * A trained detector in the project's one model format (src/io/model-file.ts): the run's
 * `model.safetensors`, whose spec says `task: 'detection'` and holds the graph, the seed, the
 * class names, the (identity) normalisation and the dataset. Everything a detector needs beyond
 * that comes from the graph itself (detectorLayout): the outputs `heatmap` (N, K, OH, OW),
 * `size` (N, 2, OH, OW) and `offset` (N, 2, OH, OW), and the stride H / OH of the maps, read
 * from the graph's shapes at its declared input size. What a run learned about itself (its
 * settings, history, metrics) goes in the run's report (detection-report.ts), not here.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { MODEL_FILE_NAME, encodeModelFile } from '../../io/model-file.js';
import { modelInput, type ModelSpec } from '../../io/model-spec.js';
import type { Graph } from '../../nn/graph/graph.js';
import { loadTrainedModel } from '../../train/trained-model.js';

/** The outputs a detector graph must have, in the order the decoder reads them. */
export const DETECTOR_OUTPUTS = ['heatmap', 'size', 'offset'] as const;

export interface DetectorLayout {
  /** One per heatmap channel. */
  classNames: string[];
  /** Input pixels per map cell, per axis. */
  stride: number;
  /** The input size the graph declares (it runs on other sizes, multiples of the stride x 2). */
  imageSize: [number, number];
}

export interface LoadedDetector {
  /** In evaluation mode. */
  model: Graph;
  spec: ModelSpec;
  layout: DetectorLayout;
  /** The file it was read from. */
  source: string;
}

/** The detector's class names, stride and input size, checked against its graph. */
export function detectorLayout(spec: ModelSpec, model: Graph, source = 'detector'): DetectorLayout {
  if (spec.task !== 'detection') {
    throw new Error(`${source}: a ${spec.task} model, not a detector (task 'detection')`);
  }
  const missing = DETECTOR_OUTPUTS.filter((name) => !model.outputs.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `${source}: a detector's graph has outputs ${DETECTOR_OUTPUTS.join(', ')}; this one lacks ${missing.join(', ')} (it has ${model.outputs.join(', ')})`,
    );
  }
  const [H, W] = modelInput(spec).imageSize;
  const shapes = model.shapes();
  const [, K, OH, OW] = shapes.get('heatmap') ?? [];
  for (const [name, channels] of [
    ['size', 2],
    ['offset', 2],
  ] as const) {
    const shape = shapes.get(name) ?? [];
    if (shape.length !== 4 || shape[1] !== channels || shape[2] !== OH || shape[3] !== OW) {
      throw new Error(
        `${source}: output ${name} must be (N, ${channels}, ${OH}, ${OW}) beside heatmap (N, ${K}, ${OH}, ${OW}), got (${shape.join(', ')})`,
      );
    }
  }
  const stride = H / OH;
  if (!Number.isInteger(stride) || stride !== W / OW) {
    throw new Error(
      `${source}: the heatmap (${OH}x${OW}) is not the ${H}x${W} input divided by one integer stride`,
    );
  }
  if (spec.classNames.length !== K) {
    throw new Error(
      `${source}: ${spec.classNames.length} class names for a heatmap of ${K} classes (${spec.classNames.join(', ')})`,
    );
  }
  return { classNames: [...spec.classNames], stride, imageSize: [H, W] };
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
