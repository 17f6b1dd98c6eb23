export { Tensor, sizeOf, formatShape } from './tensor.js';
export type { DType, FloatArray, Shape } from './tensor.js';
export { Rng } from './rng.js';
export {
  ShapeError,
  convOutputSize,
  conv2dGeometry,
  pool2dGeometry,
  linearGeometry,
  classificationGeometry,
  conv2dOutputShape,
  pool2dOutputShape,
} from './shape.js';
export type {
  Pair,
  Conv2dOptions,
  Conv2dGeometry,
  Pool2dOptions,
  Pool2dGeometry,
  LinearGeometry,
  ClassificationGeometry,
} from './shape.js';
export type { Backend, AvgPoolMode, Labels } from './kernels/backend.js';
export { getBackend, setBackend } from './kernels/backend.js';
export { referenceBackend } from './kernels/reference/index.js';
export * as reference from './kernels/reference/kernels.js';
export { compareArrays, formatComparison, assertClose } from './check/compare.js';
export type { Comparison, Tolerance } from './check/compare.js';
export {
  numericalGradient,
  checkGradient,
  assertGradient,
  formatGradientCheck,
} from './check/gradient-check.js';
export type { GradientCheckOptions, GradientCheckResult } from './check/gradient-check.js';
export {
  Optimizer,
  SGD,
  Adam,
  AdamBase,
  AdamW,
  LRScheduler,
  StepLR,
  CosineWarmupLR,
  OneCycleLR,
  ReduceLROnPlateau,
  clipGradNorm,
} from './optim/index.js';
export type {
  OptimizerOptions,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupJson,
  ParamGroupSpec,
  ParamsInput,
  SchedulableOptimizer,
  ZeroGradOptions,
  SGDOptions,
  SGDParamState,
  AdamOptions,
  AdamParamState,
  LRSchedulerStateDict,
  StepLROptions,
  CosineWarmupLROptions,
  AnnealStrategy,
  OneCycleLROptions,
  PlateauMode,
  ReduceLROnPlateauOptions,
  ReduceLROnPlateauStateDict,
  ThresholdMode,
  ClipGradNormOptions,
} from './optim/index.js';
export { noGrad, isGradEnabled, record, GradNode } from './autograd.js';
export type { BackwardFn, BackwardOptions } from './autograd.js';
export {
  convTransposeOutputSize,
  convTranspose2dGeometry,
  upsample2dGeometry,
  upsample2dOutputShape,
  normalizeAxis,
  axisGeometry,
  stridesOf,
  broadcastGeometry,
  reduceGeometry,
  permuteGeometry,
  concatGeometry,
  matmulGeometry,
  batchNorm2dGeometry,
  crossEntropyGeometry,
  requireSameShape,
} from './shape.js';
export type {
  ConvTranspose2dOptions,
  ConvTranspose2dGeometry,
  Upsample2dOptions,
  Upsample2dGeometry,
  AxisGeometry,
  BroadcastGeometry,
  ReduceGeometry,
  PermuteGeometry,
  ConcatGeometry,
  MatmulGeometry,
  BatchNorm2dGeometry,
  CrossEntropyGeometry,
} from './shape.js';
export type { UpsampleBilinearMode } from './kernels/backend.js';
export * from './ops/index.js';
export * from './kernels/wasm/index.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './nn/index.js';
export { adaptivePool2dGeometry, adaptiveWindow } from './shape.js';
export type { AdaptivePool2dGeometry } from './shape.js';
export * from './train/index.js';
export * from './viz/index.js';
