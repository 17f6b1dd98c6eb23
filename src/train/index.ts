/**
 * Training: the loop (fit), evaluation and metrics, checkpoints with exact resume, numerical
 * safety, progress output, the CLI's recipes (datasets, optimizers, schedules by name) and the
 * use of trained models (load, evaluate, predict, summarise).
 */
export { fit } from './fit.js';
export type { FitOptions, FitResult, TrainableOptimizer } from './fit.js';
export { evaluate } from './evaluate.js';
export type { EvaluateOptions, EvaluationResult } from './evaluate.js';
export { createTrainStep, RunningMetrics } from './train-step.js';
export type {
  Schedule,
  StepOptimizer,
  StepOutcome,
  TrainStep,
  TrainStepOptions,
} from './train-step.js';
export { ConfusionMatrix, accuracy, argmax, argmaxRows, countCorrect } from './metrics.js';
export type { ConfusionMatrixJson } from './metrics.js';
export {
  HISTORY_COLUMNS,
  HISTORY_CSV,
  HISTORY_JSON,
  historyToCsv,
  parseEpochRecord,
  writeHistory,
} from './history.js';
export type { EpochRecord } from './history.js';
export { NonFiniteError, findNonFinite, firstNonFinite } from './non-finite.js';
export type { NonFiniteContext, NonFiniteLocation } from './non-finite.js';
export { consoleReporter, formatEpochSummary, silentReporter } from './progress.js';
export type {
  BatchInfo,
  ConsoleReporterOptions,
  EpochStartInfo,
  ProgressReporter,
} from './progress.js';
export { currentStepRunner, directStepRunner } from './step-runner.js';
export type { StepRunner } from './step-runner.js';
export { buildModel, modelSpecToJson, parseModelSpec } from './model-spec.js';
export type { ModelOptions, ModelSpec } from './model-spec.js';
export {
  captureRngStates,
  packOptimizerState,
  parseTrainingState,
  restoreRngStates,
  trainingStateToJson,
  unpackOptimizerState,
} from './training-state.js';
export type { RngStates, TrainingState } from './training-state.js';
export {
  BUILTIN_DATASETS,
  DEFAULT_TRAIN_CONFIG,
  FOLDER_SPLIT_SEED,
  FOLDER_TEST_FRACTION,
  OPTIMIZER_NAMES,
  SCHEDULE_NAMES,
  augmentFor,
  createOptimizer,
  createSchedule,
  loadTrainingData,
  parseTrainConfig,
  resolveDatasetName,
} from './recipe.js';
export type { OptimizerName, ScheduleName, TrainConfig, TrainingData } from './recipe.js';
export { selectBackend, trainRun } from './run.js';
export type { BackendChoice, SelectedBackend, TrainRunOptions, TrainRunResult } from './run.js';
export {
  evaluateTrained,
  loadTrainedModel,
  predictFiles,
  summarizeModel,
} from './trained-model.js';
export type {
  ClassProbability,
  EvaluateTrainedOptions,
  LoadTrainedModelOptions,
  PredictOptions,
  Prediction,
  PresetSummaryOptions,
  SummaryTarget,
  TrainedEvaluation,
  TrainedModel,
} from './trained-model.js';
