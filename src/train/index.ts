/**
 * Training (`train` in convnet-ts): everything in the browser's namespace (browser.ts: the
 * training step, evaluation, metrics, the non-finite guard) plus the Node loop: fit() with its
 * checkpoints and exact resume, the history files, progress output, the CLI's recipes
 * (datasets, optimizers, schedules by name, trainRun) and the use of trained models (load,
 * evaluate, predict, summarise). The training state's packing helpers stay internal to fit and
 * the checkpoints.
 */
export * from './browser.js';
export { fit } from './fit.js';
export type { FitOptions, FitResult, TrainableOptimizer } from './fit.js';
export {
  HISTORY_COLUMNS,
  HISTORY_CSV,
  HISTORY_JSON,
  historyToCsv,
  parseEpochRecord,
  writeHistory,
} from './history.js';
export type { EpochRecord } from './history.js';
export {
  consoleReporter,
  formatEpochSummary,
  formatProgressMetrics,
  silentReporter,
} from './progress.js';
export type {
  BatchInfo,
  ConsoleReporterOptions,
  EpochStartInfo,
  ProgressMetric,
  ProgressReporter,
} from './progress.js';
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
export { evaluateTrained, loadTrainedModel, summarizeModel } from './trained-model.js';
export { inputStyleOf, isPredictionFailure, predictFiles, prepareImageFile } from './predict.js';
export type {
  ClassProbability,
  FilePrediction,
  InputPreparation,
  InputStyle,
  PredictOptions,
  Prediction,
  PredictionFailure,
  PrepareImageOptions,
  PreparedImage,
} from './predict.js';
export type {
  EvaluateTrainedOptions,
  LoadTrainedModelOptions,
  PresetSummaryOptions,
  SummaryTarget,
  TrainedEvaluation,
  TrainedModel,
} from './trained-model.js';
