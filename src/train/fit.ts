/**
 * fit(): the training loop. Each epoch:
 *
 *   for each batch of the seeded DataLoader (order and augmentation from (seed, epoch)):
 *     one training step (train-step.ts, shared with the browser playground): in the backend's
 *       memory, zero grads, forward, cross-entropy, backward, clip the gradients' global norm
 *       (optional), optimizer.step(); then the schedule's step, for schedules stepped per batch
 *     stop if the loss or any gradient was NaN or infinite (NonFiniteError, nothing applied)
 *     await the event loop (progress output flushes; a signal can land)
 *   evaluate the test set (eval mode, noGrad)
 *   the schedule's step, for per-epoch schedules (ReduceLROnPlateau: on the epoch's train loss)
 *   save a checkpoint (spec, weights, optimizer, schedule, RNG states, epoch, step, history)
 *   and history.json / history.csv, each atomically
 *
 * Resuming: pass the checkpoint (loadCheckpoint(dir)) as `resume`, with the model, optimizer
 * and schedule built exactly as for the original run. fit loads the weights, the optimizer's
 * and the schedule's state and the RNG states, and continues at the next epoch; the weights
 * after epoch k are then bitwise those of a run that was never interrupted (with the same
 * backend: the fast kernels give the same bits for any thread count, not the reference's).
 *
 * ```ts
 * const model = seedNet({ seed: 0 });
 * const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
 * const result = await fit({ model, optimizer, train, test, epochs: 5, batchSize: 64, out: 'runs/a', spec });
 * result.test.accuracy; // after the last epoch
 * ```
 */
import type { Dataset } from '../data/dataset.js';
import { DataLoader, type AugmentOptions, type NormalizeOptions } from '../data/loader.js';
import { saveCheckpoint, type LoadedCheckpoint } from '../io/checkpoint.js';
import type { JsonValue } from '../io/json.js';
import type { Layer } from '../nn/module.js';
import type { OptimizerStateDict, SchedulableOptimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor.js';
import { evaluate, type EvaluationResult } from './evaluate.js';
import { writeHistory, type EpochRecord } from './history.js';
import { NonFiniteError, findNonFinite } from './non-finite.js';
import { silentReporter, type ProgressReporter } from './progress.js';
import { currentStepRunner, type StepRunner } from './step-runner.js';
import { yieldToEvents } from './yield-to-events.js';
import {
  RunningMetrics,
  createTrainStep,
  type Schedule,
  type StepOptimizer,
} from './train-step.js';
import {
  captureRngStates,
  packOptimizerState,
  parseTrainingState,
  restoreRngStates,
  trainingStateToJson,
  unpackOptimizerState,
} from './training-state.js';

/** What fit needs from an optimizer (every optimizer of src/optim is one). */
export interface TrainableOptimizer extends SchedulableOptimizer, StepOptimizer {
  parameters(): Tensor[];
  stateDict(): OptimizerStateDict;
  loadStateDict(stateDict: unknown): void;
}

export interface FitOptions {
  /** Takes (B,C,H,W) images and gives (B,K) logits. */
  model: Layer;
  optimizer: TrainableOptimizer;
  schedule?: Schedule | null;
  train: Dataset;
  /** Evaluated after every epoch. */
  test: Dataset;
  /** The total number of epochs of the run (including those before a resume). */
  epochs: number;
  batchSize: number;
  /** Seeds each epoch's order and augmentation (DataLoader); default 0. */
  seed?: number;
  normalize?: NormalizeOptions;
  /** Training augmentation; default none. */
  augment?: AugmentOptions;
  /** Default 256. */
  evalBatchSize?: number;
  /** Clip the gradients' global 2-norm to this before each update; default null (no clipping). */
  clipGradNorm?: number | null;
  /** The checkpoint directory, saved into after every epoch; default null (no checkpoints). */
  out?: string | null;
  /** The model spec saved in every checkpoint (see model-spec.ts); needed with `out`. */
  spec?: JsonValue;
  /** Anything the caller needs to resume (the CLI's settings), saved in the training state. */
  config?: JsonValue;
  /** Continue from this checkpoint (see the top of this file). */
  resume?: LoadedCheckpoint | null;
  /** Train at most this many epochs in this call (then stop, resumable); default: all. */
  stopAfterEpochs?: number | null;
  /** Default: the current backend's (see step-runner.ts). */
  stepRunner?: StepRunner;
  reporter?: ProgressReporter;
}

export interface FitResult {
  /** Every epoch of the run so far, including those before a resume. */
  history: EpochRecord[];
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  /** Whether all `epochs` are done (false after stopAfterEpochs). */
  finished: boolean;
  /** The test set after the last epoch. */
  test: EvaluationResult;
  /** Where the checkpoint is, or null without `out`. */
  checkpointDir: string | null;
}

function checkCount(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`fit: ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** Trains model (see the top of this file); resolves after the last epoch's checkpoint. */
export async function fit(options: FitOptions): Promise<FitResult> {
  const {
    model,
    optimizer,
    schedule = null,
    train,
    test,
    seed = 0,
    normalize,
    augment,
    evalBatchSize = 256,
    clipGradNorm: maxNorm = null,
    out = null,
    spec = null,
    config = null,
    resume = null,
    stepRunner = currentStepRunner(),
    reporter = silentReporter,
  } = options;
  const epochs = checkCount(options.epochs, 'epochs', 1);
  const batchSize = checkCount(options.batchSize, 'batchSize', 1);
  if (train.length === 0) throw new RangeError('fit: the training set is empty');
  if (test.length === 0) throw new RangeError('fit: the test set is empty');
  const trainStep = createTrainStep({
    model,
    optimizer,
    numClasses: train.classNames.length,
    clipGradNorm: maxNorm,
    schedule,
    stepRunner,
    caller: 'fit',
  });
  if (out !== null && spec === null)
    throw new TypeError('fit: saving checkpoints (out) needs the model spec (spec)');
  const named = model.namedParameters();

  let history: EpochRecord[] = [];
  let startEpoch = 0;
  let step = 0;
  let savedEpoch: number | null = null;
  if (resume !== null) {
    const source = out ?? 'the checkpoint';
    const state = parseTrainingState(resume.state, `${source} (training state)`);
    if (resume.optimizer === undefined)
      throw new Error(`${source}: the checkpoint has no optimizer state, so it cannot be resumed`);
    if ((state.schedule === null) !== (schedule === null)) {
      throw new Error(
        `${source}: the checkpoint was saved ${state.schedule === null ? 'without' : 'with'} a learning-rate schedule, but this run has ${schedule === null ? 'none' : 'one'}`,
      );
    }
    model.loadStateDict(resume.weights);
    const optimizerFile = resume.manifest.files.optimizer?.file;
    optimizer.loadStateDict(
      unpackOptimizerState(
        resume.optimizer,
        out !== null && optimizerFile !== undefined
          ? `${out}/${optimizerFile}`
          : `${source} (optimizer)`,
      ),
    );
    if (schedule !== null) schedule.scheduler.loadStateDict(state.schedule);
    restoreRngStates(model, state.rng, `${source} (training state)`);
    history = state.history;
    startEpoch = state.epoch;
    step = state.step;
    savedEpoch = state.epoch;
  }

  const loader = new DataLoader(train, { batchSize, seed, normalize, augment });
  const batches = loader.batchesPerEpoch;
  const stopAt =
    options.stopAfterEpochs === undefined || options.stopAfterEpochs === null
      ? epochs
      : Math.min(epochs, startEpoch + checkCount(options.stopAfterEpochs, 'stopAfterEpochs', 1));
  const lastCheckpoint = (): { dir: string; epoch: number } | null =>
    out === null || savedEpoch === null ? null : { dir: out, epoch: savedEpoch };

  let lastEvaluation: EvaluationResult | null = null;
  try {
    for (let epoch = startEpoch; epoch < stopAt; epoch++) {
      const lr = optimizer.paramGroups[0].lr;
      reporter.epochStart({ epoch: epoch + 1, epochs, batches, images: train.length });
      model.train();
      const epochStart = performance.now();
      let dataSeconds = 0;
      const metrics = new RunningMetrics();
      const iterator = loader.epoch(epoch);
      for (let batch = 1; ; batch++) {
        const dataStart = performance.now();
        const next = iterator.next();
        dataSeconds += (performance.now() - dataStart) / 1000;
        if (next.done === true) break;
        const { images, labels } = next.value;
        const outcome = trainStep(images, labels);
        if (outcome.failed) {
          throw new NonFiniteError({
            step: step + 1,
            epoch: epoch + 1,
            batch,
            batchesPerEpoch: batches,
            loss: outcome.loss,
            location: outcome.location,
            lastCheckpoint: lastCheckpoint(),
          });
        }
        step++;
        metrics.add(outcome);
        reporter.batch({
          epoch: epoch + 1,
          batch,
          batches,
          loss: metrics.loss,
          metrics: [{ name: 'acc', value: metrics.accuracy, format: 'percent' }],
          imagesPerSecond: metrics.images / ((performance.now() - epochStart) / 1000),
        });
        await yieldToEvents();
      }
      const trainSeconds = (performance.now() - epochStart) / 1000;
      const trainLoss = metrics.loss;
      const evaluation = await evaluate(model, test, {
        batchSize: evalBatchSize,
        normalize,
        stepRunner,
      });
      lastEvaluation = evaluation;
      if (schedule?.every === 'plateau') schedule.scheduler.step(trainLoss);
      else if (schedule?.every === 'epoch') schedule.scheduler.step();
      const badValue = findNonFinite(named, 'value');
      if (badValue !== null || !Number.isFinite(evaluation.loss)) {
        throw new NonFiniteError({
          step,
          epoch: epoch + 1,
          batch: batches,
          batchesPerEpoch: batches,
          loss: Number.isFinite(evaluation.loss) ? null : evaluation.loss,
          location: badValue,
          lastCheckpoint: lastCheckpoint(),
        });
      }
      const record: EpochRecord = {
        epoch: epoch + 1,
        trainLoss,
        trainAccuracy: metrics.accuracy,
        testLoss: evaluation.loss,
        testAccuracy: evaluation.accuracy,
        lr,
        trainSeconds,
        dataSeconds,
        evalSeconds: evaluation.seconds,
        checkpointSeconds: 0,
        imagesPerSecond: metrics.images / trainSeconds,
      };
      history = [...history, record];
      if (out !== null) {
        const saveStart = performance.now();
        await saveCheckpoint(out, {
          spec,
          weights: model.stateDict(),
          optimizer: packOptimizerState(optimizer.stateDict(), optimizer.parameters()),
          state: trainingStateToJson({
            epoch: epoch + 1,
            step,
            schedule: schedule === null ? null : schedule.scheduler.stateDict(),
            rng: captureRngStates(model),
            history,
            config,
          }),
        });
        savedEpoch = epoch + 1;
        record.checkpointSeconds = (performance.now() - saveStart) / 1000;
        await writeHistory(out, history);
      }
      reporter.epochEnd(record, epochs);
    }
    const finalEvaluation =
      lastEvaluation ??
      (await evaluate(model, test, { batchSize: evalBatchSize, normalize, stepRunner }));
    return {
      history,
      epoch: Math.max(startEpoch, stopAt),
      step,
      finished: stopAt === epochs,
      test: finalEvaluation,
      checkpointDir: out,
    };
  } finally {
    reporter.close();
  }
}
