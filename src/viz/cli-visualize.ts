/**
 * What the `convnet` command line calls for pictures; argument parsing stays in src/cli.
 *
 *   convnet visualize --model DIR --image FILE --out DIR   -> visualizeCheckpoint(), then print
 *                                                             formatVisualization(result)
 *   convnet train ... --out DIR (after training)           -> writeTrainRunReport(result)
 *
 * visualizeCheckpoint reads the image as `convnet predict` does (src/train/trained-model.ts):
 * decoded (PNG or JPEG), converted to the model's channels, resized to its input size, scaled to
 * [0,1], optionally inverted, and normalised with the mean and std saved in the checkpoint.
 */
import { loadImage } from '../data/image-folder.js';
import { Tensor } from '../tensor.js';
import type { TrainRunResult } from '../train/run.js';
import { loadTrainedModel } from '../train/trained-model.js';
import type { WrittenFile } from './output.js';
import { writeTrainingReport } from './report.js';
import { visualizeModel, type ModelVisualization } from './visualize.js';

export interface VisualizeCheckpointOptions {
  /** The checkpoint directory that `convnet train --out` wrote. */
  model: string;
  /** A PNG or JPEG file. */
  image: string;
  /** Where the PNGs go (created if needed). */
  out: string;
  /** Use 1 - pixel (dark drawings on white, for a model trained on white-on-black digits). */
  invert?: boolean;
}

export interface CheckpointVisualization extends ModelVisualization {
  modelDir: string;
  imageFile: string;
  /** The preset's name and the epochs it was trained, e.g. 'seed-net (epoch 3)'. */
  modelTitle: string;
}

/** Loads a checkpoint and an image file and writes the model's pictures for that image. */
export async function visualizeCheckpoint({
  model: modelDir,
  image: imageFile,
  out,
  invert = false,
}: VisualizeCheckpointOptions): Promise<CheckpointVisualization> {
  const trained = await loadTrainedModel(modelDir, { resident: true });
  const { spec } = trained;
  const { inChannels: C, imageSize } = spec.options;
  const [H, W] = imageSize;
  if (C !== 1 && C !== 3) {
    throw new Error(`visualize: the model takes ${C} channels; image files give 1 or 3`);
  }
  const loaded = loadImage(imageFile, { channels: C, size: [H, W] });
  const plane = H * W;
  const pixels = new Float32Array(C * plane);
  for (let c = 0; c < C; c++) {
    const scale = 1 / spec.normalize.std[c];
    const shift = spec.normalize.mean[c];
    for (let p = 0; p < plane; p++) {
      const x = loaded.pixels[c * plane + p];
      pixels[c * plane + p] = ((invert ? 1 - x : x) - shift) * scale;
    }
  }
  const result = await visualizeModel({
    model: trained.model,
    image: new Tensor(pixels, [1, C, H, W]),
    classNames: spec.classNames,
    outDir: out,
  });
  const epoch = trained.epoch === null ? '' : ` (epoch ${trained.epoch})`;
  return { ...result, modelDir, imageFile, modelTitle: `${spec.preset}${epoch}` };
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The lines `convnet visualize` prints: the prediction, then each file with its size. */
export function formatVisualization(result: CheckpointVisualization): string {
  const { prediction } = result;
  const lines = [
    `${result.imageFile}: ${prediction.className} (${(100 * prediction.probability).toFixed(2)}%) by ${result.modelTitle} from ${result.modelDir}`,
    `wrote ${result.files.length} files:`,
    ...result.files.map((f) => `  ${f.path}  ${formatBytes(f.bytes)}`),
  ];
  return lines.join('\n');
}

/**
 * Writes training-curves.png, confusion-matrix.png and report.html (report.ts) into the run's
 * output directory: the history of every epoch, the test set's confusion matrix after the last
 * one, and the run's settings (its TrainConfig).
 */
export async function writeTrainRunReport(run: TrainRunResult): Promise<WrittenFile[]> {
  return writeTrainingReport({
    outDir: run.out,
    title: `Training report: ${run.spec.preset} on ${run.spec.dataset}`,
    history: run.fit.history,
    confusion: {
      counts: run.fit.test.confusion.toJson().counts,
      classNames: run.spec.classNames,
    },
    settings: run.config,
  });
}
