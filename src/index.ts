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
