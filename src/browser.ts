/**
 * The browser entry (`convnet-ts/browser`): everything in the root entry (src/index.ts) that runs
 * in a web page or worker, without the parts that read files, download or use Node's streams
 * (IDX and image-folder readers, Fashion-MNIST, checkpoints, atomic writes, the training CLI's
 * loop). The training step (train/train-step.ts) is here: fit() runs the same one in Node.
 * Bundlers resolve the Node-only modules that some of these files import lazily (the wasm
 * backend's worker_threads, os and fs, the safetensors file helpers) to empty stubs; they are
 * reached only on Node code paths.
 */
export { Tensor, sizeOf, formatShape } from './tensor.js';
export type { DType, FloatArray, Shape } from './tensor.js';
export { Rng } from './rng.js';
export type { RngState } from './rng.js';
export { convOutputSize, conv2dGeometry, conv2dOutputShape } from './shape/conv2d.js';
export { linearGeometry } from './shape/linear.js';
export { pool2dGeometry, pool2dOutputShape } from './shape/pool2d.js';
export { ShapeError } from './shape/shape-error.js';
export type { Conv2dOptions, Conv2dGeometry } from './shape/conv2d.js';
export type { LinearGeometry } from './shape/linear.js';
export type { Pool2dOptions, Pool2dGeometry } from './shape/pool2d.js';
export type { Pair } from './shape/shape-error.js';
export type {
  ActiveBackend,
  Backend,
  AvgPoolMode,
  KernelName,
  KernelTable,
  Labels,
} from './kernels/backend.js';
export {
  getBackend,
  referenceBackend,
  residentTensors,
  setBackend,
  withReferenceFallback,
} from './kernels/backend.js';
export * as reference from './kernels/reference/index.js';
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
export { normalizeAxis, axisGeometry } from './shape/axis.js';
export { batchNorm2dGeometry } from './shape/batch-norm2d.js';
export { broadcastGeometry } from './shape/broadcast.js';
export { concatGeometry } from './shape/concat.js';
export { convTransposeOutputSize, convTranspose2dGeometry } from './shape/conv-transpose2d.js';
export { crossEntropyGeometry } from './shape/cross-entropy.js';
export { matmulGeometry } from './shape/matmul.js';
export { permuteGeometry } from './shape/permute.js';
export { reduceGeometry } from './shape/reduce.js';
export { stridesOf } from './shape/shape.js';
export { requireSameShape } from './shape/shape-error.js';
export { upsample2dGeometry, upsample2dOutputShape } from './shape/upsample2d.js';
export type { AxisGeometry } from './shape/axis.js';
export type { BatchNorm2dGeometry } from './shape/batch-norm2d.js';
export type { BroadcastGeometry } from './shape/broadcast.js';
export type { ConcatGeometry } from './shape/concat.js';
export type { ConvTranspose2dOptions, ConvTranspose2dGeometry } from './shape/conv-transpose2d.js';
export type { CrossEntropyGeometry } from './shape/cross-entropy.js';
export type { MatmulGeometry } from './shape/matmul.js';
export type { PermuteGeometry } from './shape/permute.js';
export type { ReduceGeometry } from './shape/reduce.js';
export type { Upsample2dOptions, Upsample2dGeometry } from './shape/upsample2d.js';
export type { UpsampleBilinearMode } from './kernels/backend.js';
export * from './ops/index.js';
export * from './kernels/wasm/index.js';
export { InMemoryDataset } from './data/dataset.js';
export type { Batch, Dataset, ImageShape } from './data/dataset.js';
export { DataLoader, channelStats, epochSeed } from './data/loader.js';
export type { AugmentOptions, DataLoaderOptions, NormalizeOptions } from './data/loader.js';
export { resizeBilinear, resizeImage } from './data/resize.js';
export type { ResizeOptions } from './data/resize.js';
export {
  MNIST_IMAGE_SIZE,
  MNIST_CLASS_NAMES,
  MNIST_SPLIT_SEED,
  MNIST_TRAIN_SIZE,
  gatherBatch,
} from './data/mnist-digits.js';
export type { ImageSet } from './data/mnist-digits.js';
export { RunningMetrics, createTrainStep } from './train/train-step.js';
export type {
  Schedule,
  StepOptimizer,
  StepOutcome,
  TrainStep,
  TrainStepOptions,
} from './train/train-step.js';
export { currentStepRunner, directStepRunner } from './train/step-runner.js';
export type { StepRunner } from './train/step-runner.js';
export { ConfusionMatrix, accuracy, argmax, argmaxRows, countCorrect } from './train/metrics.js';
export type { ConfusionMatrixJson } from './train/metrics.js';
export { NonFiniteError, findNonFinite, firstNonFinite } from './train/non-finite.js';
export type { NonFiniteContext, NonFiniteLocation } from './train/non-finite.js';
export {
  SafetensorsError,
  MAX_HEADER_BYTES,
  encodeSafetensors,
  decodeSafetensors,
} from './io/safetensors.js';
export type {
  SafetensorsDType,
  TensorDict,
  DecodeSafetensorsOptions,
  DecodedSafetensors,
} from './io/safetensors.js';
export { JsonParseError, parseJson, stringifyJson } from './io/json.js';
export type { JsonObject, JsonValue, ParseJsonOptions } from './io/json.js';
export * from './io/model-file.js';
export * from './nn/index.js';
export { adaptivePool2dGeometry, adaptiveWindow } from './shape/adaptive-pool2d.js';
export type { AdaptivePool2dGeometry } from './shape/adaptive-pool2d.js';
