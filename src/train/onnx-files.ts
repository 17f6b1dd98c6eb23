/**
 * ONNX files for the command line: `convnet export` writes a trained model (a checkpoint
 * directory or a model file) as model.onnx with its normalisation and class names; `convnet
 * import` reads an ONNX model into a directory.
 *
 * Model files and checkpoints hold presets only until they carry graphs, so an imported model is
 * written, for now, as the graph description and its weights:
 *
 *   DIR/graph.json           the graph (format convnet-ts-graph): Graph.fromSpec rebuilds it
 *   DIR/weights.safetensors  its state dict; __metadata__ "normalize" and "classNames" (JSON)
 *                            when the ONNX model had them
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { exportOnnx, importOnnx, type ImportedOnnx } from '../io/onnx/index.js';
import { writeSafetensors } from '../io/safetensors-file.js';
import { loadTrainedModel } from './trained-model.js';

export const IMPORTED_GRAPH_FILE = 'graph.json';
export const IMPORTED_WEIGHTS_FILE = 'weights.safetensors';

export interface ExportedOnnxFile {
  path: string;
  bytes: number;
  inputShape: [number, number, number];
}

/** Writes the trained model at `model` (directory or model file) as an ONNX file. */
export async function exportTrainedModel(model: string, out: string): Promise<ExportedOnnxFile> {
  const trained = await loadTrainedModel(model);
  const { inChannels, imageSize } = trained.spec.options;
  const inputShape: [number, number, number] = [inChannels, imageSize[0], imageSize[1]];
  const bytes = exportOnnx(trained.model, {
    inputShape,
    normalize: trained.spec.normalize,
    classNames: trained.spec.classNames.length > 0 ? trained.spec.classNames : undefined,
  });
  await writeFileAtomic(out, bytes);
  return { path: out, bytes: bytes.length, inputShape };
}

export interface ImportedOnnxFiles {
  graph: string;
  weights: string;
  imported: ImportedOnnx;
}

/** Reads an ONNX file and writes its graph and weights into `outDir` (created if needed). */
export async function importOnnxFile(file: string, outDir: string): Promise<ImportedOnnxFiles> {
  const imported = importOnnx(new Uint8Array(await readFile(file)), { source: file });
  await mkdir(outDir, { recursive: true });
  const graph = join(outDir, IMPORTED_GRAPH_FILE);
  const weights = join(outDir, IMPORTED_WEIGHTS_FILE);
  await writeFileAtomic(graph, `${JSON.stringify(imported.graph.spec(), null, 2)}\n`);
  const metadata: Record<string, string> = {};
  if (imported.normalize !== undefined) metadata.normalize = JSON.stringify(imported.normalize);
  if (imported.classNames !== undefined) metadata.classNames = JSON.stringify(imported.classNames);
  await writeSafetensors(weights, imported.graph.stateDict(), metadata);
  return { graph, weights, imported };
}
