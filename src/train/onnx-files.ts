/**
 * ONNX files for the command line: `convnet export` writes a trained model (a checkpoint
 * directory or a model file) as model.onnx with its normalisation and class names; `convnet
 * import` reads an ONNX model into a model file, DIR/model.safetensors (the graph, its weights,
 * the normalisation and class names the ONNX model carried), which eval, predict, visualize,
 * export and the playground open like any trained model.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { MODEL_FILE_NAME, encodeModelFile } from '../io/model-file.js';
import { modelInput } from '../io/model-spec.js';
import { exportOnnx, importOnnx, type ImportedOnnx } from '../io/onnx/index.js';
import { loadTrainedModel } from './trained-model.js';

export interface ExportedOnnxFile {
  path: string;
  bytes: number;
  inputShape: [number, number, number];
}

/** Writes the trained model at `model` (directory or model file) as an ONNX file. */
export async function exportTrainedModel(model: string, out: string): Promise<ExportedOnnxFile> {
  const trained = await loadTrainedModel(model);
  const { inChannels, imageSize } = modelInput(trained.spec);
  const inputShape: [number, number, number] = [inChannels, imageSize[0], imageSize[1]];
  const bytes = exportOnnx(trained.model, {
    inputShape,
    normalize: trained.spec.normalize,
    classNames: trained.spec.classNames.length > 0 ? trained.spec.classNames : undefined,
  });
  await writeFileAtomic(out, bytes);
  return { path: out, bytes: bytes.length, inputShape };
}

export interface ImportedOnnxFile {
  /** The model file written, DIR/model.safetensors. */
  modelFile: string;
  imported: ImportedOnnx;
}

/** Reads an ONNX file and writes it as a model file into `outDir` (created if needed). */
export async function importOnnxFile(file: string, outDir: string): Promise<ImportedOnnxFile> {
  const imported = importOnnx(new Uint8Array(await readFile(file)), { source: file });
  await mkdir(outDir, { recursive: true });
  const modelFile = join(outDir, MODEL_FILE_NAME);
  const spec = {
    name: basename(file, extname(file)),
    graph: imported.graph.spec(),
    ...(imported.normalize === undefined ? {} : { normalize: imported.normalize }),
    ...(imported.classNames === undefined ? {} : { classNames: imported.classNames }),
  };
  await writeFileAtomic(modelFile, encodeModelFile(spec, imported.graph));
  return { modelFile, imported };
}
