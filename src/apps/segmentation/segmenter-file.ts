/**
 * A trained segmenter on disk, until model files carry graphs (src/io/model-file.ts):
 *
 *   DIR/segmenter.safetensors   the graph's state dict, with "__metadata__":
 *                                 format        "convnet-ts-segmenter"
 *                                 graph         the model graph's JSON (src/nn/graph/graph-spec.ts)
 *                                 segmentation  JSON { classNames, stride, dataset, imageSize }
 *   DIR/graph.json              the same graph, for reading by eye and by other tools
 *
 * Loading rebuilds the graph from its description (Graph.fromSpec) and loads the weights
 * strictly (every key, every shape). Every problem names the file.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { readSafetensors, writeSafetensors } from '../../io/safetensors-file.js';
import { Graph } from '../../nn/graph/graph.js';

export const SEGMENTER_FORMAT = 'convnet-ts-segmenter';
export const SEGMENTER_FILE = 'segmenter.safetensors';
export const SEGMENTER_GRAPH_FILE = 'graph.json';

const infoSchema = z.strictObject({
  classNames: z.array(z.string()).min(1).max(255),
  stride: z.number().int().min(1).max(1024),
  /** What it was trained on: 'digit-masks' or a folder's path; null if unknown. */
  dataset: z.string().nullable(),
  /** [H, W] of the training images. */
  imageSize: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
});

export type SegmenterInfo = z.infer<typeof infoSchema>;

export interface LoadedSegmenter {
  model: Graph;
  info: SegmenterInfo;
  /** The file it came from. */
  path: string;
}

/** The segmenter file of a directory, or the path itself when it is a file. */
export function segmenterPath(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, SEGMENTER_FILE) : path;
}

/** Whether path is a segmenter (a directory holding one, or the file). */
export function isSegmenter(path: string): boolean {
  const file = segmenterPath(path);
  return existsSync(file) && file.endsWith(SEGMENTER_FILE);
}

/** Writes DIR/segmenter.safetensors and DIR/graph.json; returns the first's path. */
export async function saveSegmenter(
  dir: string,
  model: Graph,
  info: SegmenterInfo,
): Promise<string> {
  const spec = model.spec();
  const path = join(dir, SEGMENTER_FILE);
  await writeSafetensors(path, model.stateDict(), {
    format: SEGMENTER_FORMAT,
    graph: JSON.stringify(spec),
    segmentation: JSON.stringify(infoSchema.parse(info)),
  });
  await writeFileAtomic(join(dir, SEGMENTER_GRAPH_FILE), `${JSON.stringify(spec, null, 2)}\n`);
  return path;
}

function parseJsonField(text: string | undefined, field: string, path: string): unknown {
  if (text === undefined)
    throw new Error(`${path}: not a segmenter: no "${field}" in its metadata`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${path}: metadata "${field}" is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** Reads a segmenter from DIR or from its file (see the top of this file). */
export async function loadSegmenter(pathOrDir: string): Promise<LoadedSegmenter> {
  const path = segmenterPath(pathOrDir);
  const { tensors, metadata } = await readSafetensors(path);
  if (metadata.format !== SEGMENTER_FORMAT) {
    throw new Error(
      `${path}: not a segmenter (metadata format ${JSON.stringify(metadata.format ?? null)}, expected "${SEGMENTER_FORMAT}")`,
    );
  }
  const model = Graph.fromSpec(parseJsonField(metadata.graph, 'graph', path), {
    source: `${path}: graph`,
  });
  const parsed = infoSchema.safeParse(parseJsonField(metadata.segmentation, 'segmentation', path));
  if (!parsed.success) {
    throw new Error(`${path}: metadata "segmentation": ${z.prettifyError(parsed.error)}`);
  }
  try {
    model.loadStateDict(tensors);
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  model.eval();
  return { model, info: parsed.data, path };
}
