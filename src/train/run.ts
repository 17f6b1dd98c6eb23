/**
 * trainRun(): a whole training run from a TrainConfig, as `convnet train` does it: read the
 * data, build the preset and its spec (with the training set's per-channel statistics as the
 * normalisation), the optimizer and the schedule, then fit() with a checkpoint in `out` after
 * every epoch. With `resume`, everything comes from the checkpoint in `out` instead (only the
 * number of epochs may be raised), and training continues where it stopped.
 *
 * selectBackend() starts the kernels a run uses: the fast WebAssembly backend on all cores (or
 * `threads`), or the reference loops.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { channelStats } from '../data/loader.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { MODEL_FILE_NAME, encodeModelFile } from '../io/model-file.js';
import {
  buildModel,
  completeModelSpec,
  modelSpecToJson,
  type ModelSpec,
} from '../io/model-spec.js';
import {
  CHECKPOINT_MANIFEST,
  CheckpointError,
  loadCheckpoint,
  type LoadedCheckpoint,
} from '../io/checkpoint.js';
import { residentTensors, setBackend } from '../kernels/backend.js';
import { referenceBackend } from '../kernels/backend.js';
import { createWasmBackend } from '../kernels/wasm/wasm-backend.js';
import { fit, type FitResult } from './fit.js';
import { graphFor, modelName } from './model-source.js';
import { silentReporter, type ProgressReporter } from './progress.js';
import {
  augmentFor,
  createOptimizer,
  createSchedule,
  loadTrainingData,
  parseTrainConfig,
  type TrainConfig,
} from './recipe.js';
import { parseTrainingState } from './training-state.js';

export type BackendChoice = 'wasm' | 'reference';

/** The checkpoint to resume, or an error that says which directory --resume takes. */
async function loadResumable(dir: string): Promise<LoadedCheckpoint> {
  try {
    return await loadCheckpoint(dir);
  } catch (error) {
    if (!(error instanceof CheckpointError) || existsSync(join(dir, CHECKPOINT_MANIFEST)))
      throw error;
    throw new Error(
      `cannot resume: ${error.message}. --resume takes the directory a run saved its checkpoints into (its --out, by default runs/<dataset>-<model>)`,
      { cause: error },
    );
  }
}

export interface SelectedBackend {
  /** One line: which kernels run, e.g. "wasm relaxed-simd, 2 threads (shared memory)". */
  description: string;
  /** Stops the worker threads (a no-op for the reference kernels). */
  dispose(): void;
}

/** Makes every op use the chosen kernels; threads: default all cores (wasm only). */
export async function selectBackend(
  choice: BackendChoice = 'wasm',
  threads?: number,
): Promise<SelectedBackend> {
  if (choice === 'reference') {
    setBackend(referenceBackend);
    return { description: 'reference kernels (plain loops, one thread)', dispose: () => undefined };
  }
  const backend = await createWasmBackend({ threads });
  setBackend(backend);
  return { description: backend.path.description, dispose: () => backend.dispose() };
}

export interface TrainRunOptions {
  /** The run's settings; not needed with resume (they come from the checkpoint). */
  config?: TrainConfig;
  /** The checkpoint directory. */
  out: string;
  /** Continue the run whose checkpoint is in `out`. */
  resume?: boolean;
  /** With resume: raise the run's total number of epochs to this. */
  epochs?: number;
  /** Train at most this many epochs in this call (the run stays resumable). */
  stopAfterEpochs?: number | null;
  reporter?: ProgressReporter;
}

export interface TrainRunResult {
  config: TrainConfig;
  spec: ModelSpec;
  fit: FitResult;
  out: string;
  /** The trained model as one file (weights and spec), readable by the browser playground. */
  modelFile: string;
  /** Seconds spent reading the datasets. */
  loadSeconds: number;
}

/** A run (see the top of this file). */
export async function trainRun({
  config: given,
  out,
  resume = false,
  epochs,
  stopAfterEpochs = null,
  reporter = silentReporter,
}: TrainRunOptions): Promise<TrainRunResult> {
  const manifest = join(out, CHECKPOINT_MANIFEST);
  let resumedSpec: ModelSpec | null = null;
  const checkpoint = resume ? await loadResumable(out) : null;
  let config: TrainConfig;
  if (checkpoint !== null) {
    const stateSource = join(out, checkpoint.manifest.files.state?.file ?? 'state');
    const state = parseTrainingState(checkpoint.state, stateSource);
    config = parseTrainConfig(state.config, `${stateSource}: config`);
    resumedSpec = completeModelSpec(
      checkpoint.spec,
      join(out, checkpoint.manifest.files.spec.file),
    );
    if (epochs !== undefined) {
      if (epochs < state.epoch) {
        throw new Error(
          `${out} has already trained ${state.epoch} epochs; --epochs must be at least that, got ${epochs}`,
        );
      }
      if (
        epochs !== config.epochs &&
        (config.schedule === 'cosine' || config.schedule === 'onecycle')
      ) {
        reporter.message(
          `note: the ${config.schedule} schedule was laid out over ${config.epochs} epochs; stretching it to ${epochs} changes the learning rate from here on`,
        );
      }
      config = { ...config, epochs };
    }
    reporter.message(
      `resuming ${out} after epoch ${state.epoch} of ${config.epochs} (step ${state.step})`,
    );
  } else if (given === undefined) {
    throw new TypeError('trainRun: a new run needs its config');
  } else if (existsSync(manifest)) {
    throw new Error(
      `${out} already holds a checkpoint (${manifest}); continue it with --resume ${out}, or choose another --out (or delete that directory)`,
    );
  } else {
    config = given;
  }
  const data = await loadTrainingData(config, (message) => reporter.message(message));
  const [C, H, W] = data.train.imageShape;
  reporter.message(
    `dataset ${data.name}: ${data.train.length.toLocaleString('en-US')} training and ${data.test.length.toLocaleString('en-US')} test images of ${C}x${H}x${W}, ${data.train.classNames.length} classes (read in ${data.seconds.toFixed(2)} s)`,
  );
  const classNames = [...data.train.classNames];
  const spec: ModelSpec = resumedSpec ?? {
    name: modelName(config.model),
    task: 'classification',
    graph: await graphFor(config.model, [C, H, W], classNames.length),
    seed: config.seed,
    classNames,
    normalize: channelStats(data.train),
    dataset: data.name,
  };
  if (spec.classNames.length !== data.train.classNames.length) {
    throw new Error(
      `${out}: the checkpoint's model has ${spec.classNames.length} classes, but ${data.name} now has ${data.train.classNames.length}`,
    );
  }
  // The parameters live in the kernels' memory, so no kernel call copies them.
  const model = residentTensors(() => buildModel(spec, out));
  const optimizer = createOptimizer(config, model.parameters());
  const batchesPerEpoch = Math.ceil(data.train.length / config.batchSize);
  const advice = fewStepsWarning(data.train.length, config.epochs, config.batchSize);
  if (advice !== null) reporter.message(advice);
  const schedule = createSchedule(config, optimizer, batchesPerEpoch);
  const result = await fit({
    model,
    optimizer,
    schedule,
    train: data.train,
    test: data.test,
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    normalize: spec.normalize,
    augment: augmentFor(config, data.name),
    clipGradNorm: config.clipGradNorm,
    out,
    spec: modelSpecToJson(spec),
    config,
    resume: checkpoint,
    stopAfterEpochs,
    reporter,
  });
  const modelFile = join(out, MODEL_FILE_NAME);
  await writeFileAtomic(modelFile, encodeModelFile(spec, model));
  return { config, spec, fit: result, out, modelFile, loadSeconds: data.seconds };
}

/** Fewer optimizer steps than this in a whole run learn little: trainRun warns. */
export const FEW_STEPS = 200;

/**
 * A warning when a run takes fewer than FEW_STEPS optimizer steps (the defaults are sized for
 * 8,000 digits: a folder of 180 images gets 15), with settings that give enough; null otherwise.
 */
export function fewStepsWarning(images: number, epochs: number, batchSize: number): string | null {
  const batches = Math.ceil(images / batchSize);
  const steps = epochs * batches;
  if (steps >= FEW_STEPS) return null;
  const batch = Math.min(batchSize, Math.max(8, 2 ** Math.floor(Math.log2(images / 8))));
  const needed = Math.ceil(FEW_STEPS / Math.ceil(images / batch));
  return `warning: ${steps} optimizer step${steps === 1 ? '' : 's'} in all (${epochs} epoch${epochs === 1 ? '' : 's'} of ${batches} batch${batches === 1 ? '' : 'es'} of up to ${batchSize} images) is too few to learn much from ${images} training images; try --batch-size ${batch} --epochs ${needed} (${needed * Math.ceil(images / batch)} steps)`;
}
