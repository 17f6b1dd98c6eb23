/**
 * A trained segmenter is a model file like every other model (src/io/model-file.ts):
 * DIR/model.safetensors with the graph, the weights and a spec whose task is 'segmentation'
 * (one output (N, K, H, W): a score per class per pixel; classNames has K names).
 *
 * What segmenting needs beyond the spec is the graph's stride: sides must be multiples of it
 * (segment.ts pads other sizes). It is read off the graph, not stored: following the nodes in
 * order, a node's downsampling is the largest of its inputs' times its own stride (a pooling's
 * or a convolution's; an upsampling's brings no more), and the stride is the largest of all.
 * For U-Net-lite that is 2^depth (unetLiteStride). The checks that need no files (the task,
 * the stride) are in segmenter-spec.ts, which the browser uses too.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { MODEL_FILE_NAME, encodeModelFile } from '../../io/model-file.js';
import type { Graph } from '../../nn/graph/graph.js';
import { loadTrainedModel, type TrainedModel } from '../../train/trained-model.js';
import { SEGMENTATION_TASK, requireSegmenter, segmenterStride } from './segmenter-spec.js';

export interface SegmenterSaveInfo {
  /** The model's name (default 'unet-lite'). */
  name?: string;
  classNames: readonly string[];
  /** What it was trained on: 'digit-masks' or a folder's path; null if unknown. */
  dataset: string | null;
  /** The seed of its initial weights. */
  seed: number;
}

export interface LoadedSegmenter extends TrainedModel {
  /** Sides must be multiples of it (segmenterStride). */
  stride: number;
}

/** Writes DIR/model.safetensors (task 'segmentation', identity normalisation); returns its path. */
export async function saveSegmenter(
  dir: string,
  model: Graph,
  { name = 'unet-lite', classNames, dataset, seed }: SegmenterSaveInfo,
): Promise<string> {
  const channels = model.inputs[0].shape[0];
  const bytes = encodeModelFile(
    {
      name,
      task: SEGMENTATION_TASK,
      graph: model.spec(),
      seed,
      classNames: [...classNames],
      normalize: { mean: Array<number>(channels).fill(0), std: Array<number>(channels).fill(1) },
      dataset,
    },
    model,
  );
  const path = join(dir, MODEL_FILE_NAME);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path, bytes);
  return path;
}

/** A trained segmenter from DIR or its model file, with its stride. */
export async function loadSegmenter(
  dirOrFile: string,
  { resident = false }: { resident?: boolean } = {},
): Promise<LoadedSegmenter> {
  const trained = await loadTrainedModel(dirOrFile, { resident });
  requireSegmenter(trained);
  return { ...trained, stride: segmenterStride(trained.spec.graph) };
}

/** The segmenter in a model already loaded (convnet eval loads before it knows the task). */
export function asSegmenter(trained: TrainedModel): LoadedSegmenter {
  requireSegmenter(trained);
  return { ...trained, stride: segmenterStride(trained.spec.graph) };
}
