export { Optimizer } from './optimizer.js';
export type {
  OptimizerOptions,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupJson,
  ParamGroupSpec,
  ParamsInput,
  SchedulableOptimizer,
  ZeroGradOptions,
} from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions, SGDParamState } from './sgd.js';
export { Adam, AdamBase } from './adam.js';
export type { AdamOptions, AdamParamState } from './adam.js';
export { AdamW } from './adamw.js';
export { LRScheduler } from './lr-scheduler.js';
export type { LRSchedulerStateDict } from './lr-scheduler.js';
export { StepLR } from './step-lr.js';
export type { StepLROptions } from './step-lr.js';
export { CosineWarmupLR } from './cosine-warmup-lr.js';
export type { CosineWarmupLROptions } from './cosine-warmup-lr.js';
export { OneCycleLR } from './one-cycle-lr.js';
export type { AnnealStrategy, OneCycleLROptions } from './one-cycle-lr.js';
export { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
export type {
  PlateauMode,
  ReduceLROnPlateauOptions,
  ReduceLROnPlateauStateDict,
  ThresholdMode,
} from './reduce-lr-on-plateau.js';
export { clipGradNorm } from './clip-grad.js';
export type { ClipGradNormOptions } from './clip-grad.js';
export type { BufferJson, JsonNumber } from './state-json.js';
