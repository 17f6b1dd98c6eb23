/**
 * What the `convnet` command line calls for pictures; argument parsing stays in src/cli.
 *
 *   convnet visualize --model DIR --image FILE --out DIR   -> visualizeCheckpoint(), then print
 *                                                             formatVisualization(result)
 *   convnet train ... --out DIR (after training)           -> writeTrainRunReport(result)
 *
 * visualizeCheckpoint reads the image as `convnet predict` does (prepareImageFile in
 * src/train/predict.ts): decoded (PNG or JPEG), converted to the model's channels, made an
 * MNIST-style digit or resized to the input size as the model's training images were, inverted
 * when it is dark on light for a light-on-dark model, and normalised with the saved mean and std.
 */
import { modelInput } from '../io/model-spec.js';
import { Tensor } from '../tensor.js';
import { prepareImageFile, type InputPreparation } from '../train/predict.js';
import type { TrainRunResult } from '../train/run.js';
import { loadTrainedModel, requireClassifier } from '../train/trained-model.js';
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
  /** 1 - pixel: true always, false never, 'auto' (default) as `convnet predict` decides. */
  invert?: boolean | 'auto';
  /** How the image is resized; default as `convnet predict` (inputStyleOf). */
  preparation?: InputPreparation;
}

export interface CheckpointVisualization extends ModelVisualization {
  modelDir: string;
  imageFile: string;
  /** The preset's name and the epochs it was trained, e.g. 'seed-net (epoch 3)'. */
  modelTitle: string;
  /** What was done to the image (an automatic inversion), as `convnet predict` reports it. */
  notes: string[];
}

/** Loads a checkpoint and an image file and writes the model's pictures for that image. */
export async function visualizeCheckpoint({
  model: modelDir,
  image: imageFile,
  out,
  invert = 'auto',
  preparation,
}: VisualizeCheckpointOptions): Promise<CheckpointVisualization> {
  const trained = await loadTrainedModel(modelDir, { resident: true });
  requireClassifier(trained, 'visualize');
  const { spec } = trained;
  const { inChannels: C, imageSize } = modelInput(spec);
  const [H, W] = imageSize;
  if (C !== 1 && C !== 3) {
    throw new Error(`visualize: the model takes ${C} channels; image files give 1 or 3`);
  }
  const prepared = prepareImageFile(spec, imageFile, { invert, preparation });
  const result = await visualizeModel({
    model: trained.model,
    image: new Tensor(prepared.pixels, [1, C, H, W]),
    classNames: spec.classNames,
    outDir: out,
  });
  const epoch = trained.epoch === null ? '' : ` (epoch ${trained.epoch})`;
  return {
    ...result,
    modelDir,
    imageFile,
    modelTitle: `${spec.name}${epoch}`,
    notes: prepared.notes,
  };
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The lines `convnet visualize` prints: the prediction, then each file with its size. */
export function formatVisualization(result: CheckpointVisualization): string {
  const { prediction } = result;
  const lines = [
    `${result.imageFile}: ${prediction.className} (${(100 * prediction.probability).toFixed(2)}%) by ${result.modelTitle} from ${result.modelDir}${result.notes.length === 0 ? '' : ` (${result.notes.join('; ')})`}`,
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
    title: `Training report: ${run.spec.name} on ${run.spec.dataset}`,
    history: run.fit.history,
    confusion: {
      counts: run.fit.test.confusion.toJson().counts,
      classNames: run.spec.classNames,
    },
    settings: trainRunSettings(run),
  });
}

/**
 * The run's settings as the report shows them: its TrainConfig, with `channels` and `imageSize`
 * those of the model's input (the config's `channels` applies to image folders only, so an
 * MNIST run's config says 3 for a model that takes 1).
 */
export function trainRunSettings(
  run: Pick<TrainRunResult, 'config' | 'spec'>,
): TrainRunResult['config'] {
  const [H, W] = modelInput(run.spec).imageSize;
  return {
    ...run.config,
    channels: modelInput(run.spec).inChannels,
    imageSize: H === W ? H : run.config.imageSize,
  };
}
