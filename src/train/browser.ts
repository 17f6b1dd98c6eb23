/**
 * Training in a browser (`train` in convnet-ts/browser): the training step that fit() runs (one
 * batch forward, backward and update, with the non-finite guard), the step runner that puts it
 * on the fast backend, evaluation and the metrics. Nothing here imports Node; fit() with its
 * checkpoints, the history files, progress bars and the CLI's recipes are in index.ts.
 */
export { createTrainStep, RunningMetrics } from './train-step.js';
export type {
  Schedule,
  StepOptimizer,
  StepOutcome,
  TrainStep,
  TrainStepOptions,
} from './train-step.js';
export { currentStepRunner, directStepRunner } from './step-runner.js';
export type { StepRunner } from './step-runner.js';
export { evaluate } from './evaluate.js';
export type { EvaluateOptions, EvaluationResult } from './evaluate.js';
export { ConfusionMatrix, accuracy, argmax, argmaxRows, countCorrect } from './metrics.js';
export type { ConfusionMatrixJson } from './metrics.js';
export { NonFiniteError, findNonFinite, firstNonFinite } from './non-finite.js';
export type { NonFiniteContext, NonFiniteLocation } from './non-finite.js';
