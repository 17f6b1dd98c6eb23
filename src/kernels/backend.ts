/**
 * The kernel contract. The reference backend (plain loops, the spec) and any fast backend
 * implement this one interface, so the compiler holds their signatures together and the
 * conformance tests can run every case against both.
 *
 * Conventions: outputs first; geometry last (made by shape.ts, never recomputed here); every
 * function overwrites its output; shapes are in each function's doc in the reference files.
 */
import type { AxisGeometry } from '../shape/axis.js';
import type { BatchNorm2dGeometry } from '../shape/batch-norm2d.js';
import type { BroadcastGeometry } from '../shape/broadcast.js';
import type { ConcatGeometry } from '../shape/concat.js';
import type { ConvTranspose2dGeometry } from '../shape/conv-transpose2d.js';
import type { Conv2dGeometry } from '../shape/conv2d.js';
import type { CrossEntropyGeometry } from '../shape/cross-entropy.js';
import type { LinearGeometry } from '../shape/linear.js';
import type { MatmulGeometry } from '../shape/matmul.js';
import type { PermuteGeometry } from '../shape/permute.js';
import type { Pool2dGeometry } from '../shape/pool2d.js';
import type { ReduceGeometry } from '../shape/reduce.js';
import type { ClassificationGeometry } from '../shape/softmax-cross-entropy.js';
import type { Upsample2dGeometry } from '../shape/upsample2d.js';
import type { FloatArray } from '../tensor.js';
import type { AvgPoolMode } from './reference/avg-pool2d.js';
import type { Labels } from './reference/softmax-cross-entropy.js';
import type { UpsampleBilinearMode } from './reference/upsample-bilinear2d.js';

export type { AvgPoolMode, Labels, UpsampleBilinearMode };

export interface Backend {
  /** A short name shown to users: 'reference', 'wasm-simd', ... */
  readonly name: string;

  /**
   * Optional: runs `build` with the float32 tensors it makes placed in the kernels' own memory
   * for the backend's life, so calls read them without copying (the fast backend's). Use
   * residentTensors() rather than calling it directly.
   */
  resident?<T>(build: () => T): T;

  conv2dForward(
    y: FloatArray,
    x: FloatArray,
    w: FloatArray,
    b: FloatArray | null,
    g: Conv2dGeometry,
  ): void;
  conv2dBackwardInput(dx: FloatArray, dy: FloatArray, w: FloatArray, g: Conv2dGeometry): void;
  conv2dBackwardWeight(dw: FloatArray, dy: FloatArray, x: FloatArray, g: Conv2dGeometry): void;
  conv2dBackwardBias(db: FloatArray, dy: FloatArray, g: Conv2dGeometry): void;
  /**
   * All the gradients a conv layer needs from one dy, in one call (a backend that copies dy
   * into its own memory then copies it once); null skips that gradient.
   */
  conv2dBackward(
    dx: FloatArray | null,
    dw: FloatArray | null,
    db: FloatArray | null,
    dy: FloatArray,
    x: FloatArray,
    w: FloatArray,
    g: Conv2dGeometry,
  ): void;

  maxPool2dForward(y: FloatArray, x: FloatArray, g: Pool2dGeometry): void;
  maxPool2dBackward(dx: FloatArray, dy: FloatArray, x: FloatArray, g: Pool2dGeometry): void;

  avgPool2dForward(y: FloatArray, x: FloatArray, g: Pool2dGeometry, mode?: AvgPoolMode): void;
  avgPool2dBackward(dx: FloatArray, dy: FloatArray, g: Pool2dGeometry, mode?: AvgPoolMode): void;

  reluForward(y: FloatArray, x: FloatArray): void;
  reluBackward(dx: FloatArray, dy: FloatArray, x: FloatArray): void;

  linearForward(
    y: FloatArray,
    x: FloatArray,
    w: FloatArray,
    b: FloatArray | null,
    g: LinearGeometry,
  ): void;
  linearBackwardInput(dx: FloatArray, dy: FloatArray, w: FloatArray, g: LinearGeometry): void;
  linearBackwardWeight(dw: FloatArray, dy: FloatArray, x: FloatArray, g: LinearGeometry): void;
  linearBackwardBias(db: FloatArray, dy: FloatArray, g: LinearGeometry): void;
  /** dx, dw and db of a linear layer in one call; null skips that gradient. */
  linearBackward(
    dx: FloatArray | null,
    dw: FloatArray | null,
    db: FloatArray | null,
    dy: FloatArray,
    x: FloatArray,
    w: FloatArray,
    g: LinearGeometry,
  ): void;

  softmaxCrossEntropyForward(logits: FloatArray, labels: Labels, g: ClassificationGeometry): number;
  softmaxCrossEntropyBackward(
    dlogits: FloatArray,
    logits: FloatArray,
    labels: Labels,
    g: ClassificationGeometry,
    dloss?: number,
  ): void;

  // The kernels behind the autograd ops (src/ops). Backward functions with nullable outputs
  // skip the null ones, so an op computes only the gradients its inputs need.

  convTranspose2dForward(
    y: FloatArray,
    x: FloatArray,
    w: FloatArray,
    b: FloatArray | null,
    g: ConvTranspose2dGeometry,
  ): void;
  convTranspose2dBackwardInput(
    dx: FloatArray,
    dy: FloatArray,
    w: FloatArray,
    g: ConvTranspose2dGeometry,
  ): void;
  convTranspose2dBackwardWeight(
    dw: FloatArray,
    dy: FloatArray,
    x: FloatArray,
    g: ConvTranspose2dGeometry,
  ): void;
  convTranspose2dBackwardBias(db: FloatArray, dy: FloatArray, g: ConvTranspose2dGeometry): void;

  upsampleNearest2dForward(y: FloatArray, x: FloatArray, g: Upsample2dGeometry): void;
  upsampleNearest2dBackward(dx: FloatArray, dy: FloatArray, g: Upsample2dGeometry): void;
  upsampleBilinear2dForward(
    y: FloatArray,
    x: FloatArray,
    g: Upsample2dGeometry,
    mode?: UpsampleBilinearMode,
  ): void;
  upsampleBilinear2dBackward(
    dx: FloatArray,
    dy: FloatArray,
    g: Upsample2dGeometry,
    mode?: UpsampleBilinearMode,
  ): void;

  concatForward(y: FloatArray, xs: readonly FloatArray[], g: ConcatGeometry): void;
  concatBackward(dxs: ReadonlyArray<FloatArray | null>, dy: FloatArray, g: ConcatGeometry): void;

  addForward(y: FloatArray, a: FloatArray, b: FloatArray, g: BroadcastGeometry): void;
  addBackward(
    da: FloatArray | null,
    db: FloatArray | null,
    dy: FloatArray,
    g: BroadcastGeometry,
  ): void;
  subForward(y: FloatArray, a: FloatArray, b: FloatArray, g: BroadcastGeometry): void;
  subBackward(
    da: FloatArray | null,
    db: FloatArray | null,
    dy: FloatArray,
    g: BroadcastGeometry,
  ): void;
  mulForward(y: FloatArray, a: FloatArray, b: FloatArray, g: BroadcastGeometry): void;
  mulBackward(
    da: FloatArray | null,
    db: FloatArray | null,
    dy: FloatArray,
    a: FloatArray,
    b: FloatArray,
    g: BroadcastGeometry,
  ): void;
  divForward(y: FloatArray, a: FloatArray, b: FloatArray, g: BroadcastGeometry): void;
  divBackward(
    da: FloatArray | null,
    db: FloatArray | null,
    dy: FloatArray,
    a: FloatArray,
    b: FloatArray,
    g: BroadcastGeometry,
  ): void;

  sumForward(y: FloatArray, x: FloatArray, g: ReduceGeometry): void;
  sumBackward(dx: FloatArray, dy: FloatArray, g: ReduceGeometry): void;
  meanForward(y: FloatArray, x: FloatArray, g: ReduceGeometry): void;
  meanBackward(dx: FloatArray, dy: FloatArray, g: ReduceGeometry): void;

  permuteForward(y: FloatArray, x: FloatArray, g: PermuteGeometry): void;
  permuteBackward(dx: FloatArray, dy: FloatArray, g: PermuteGeometry): void;

  matmulForward(y: FloatArray, a: FloatArray, b: FloatArray, g: MatmulGeometry): void;
  matmulBackwardA(da: FloatArray, dy: FloatArray, b: FloatArray, g: MatmulGeometry): void;
  matmulBackwardB(db: FloatArray, dy: FloatArray, a: FloatArray, g: MatmulGeometry): void;

  leakyReluForward(y: FloatArray, x: FloatArray, negativeSlope: number): void;
  leakyReluBackward(dx: FloatArray, dy: FloatArray, x: FloatArray, negativeSlope: number): void;
  sigmoidForward(y: FloatArray, x: FloatArray): void;
  sigmoidBackward(dx: FloatArray, dy: FloatArray, y: FloatArray): void;
  tanhForward(y: FloatArray, x: FloatArray): void;
  tanhBackward(dx: FloatArray, dy: FloatArray, y: FloatArray): void;

  batchNorm2dForwardTrain(
    y: FloatArray,
    batchMean: FloatArray,
    batchVar: FloatArray,
    x: FloatArray,
    gamma: FloatArray | null,
    beta: FloatArray | null,
    eps: number,
    g: BatchNorm2dGeometry,
  ): void;
  batchNorm2dForwardEval(
    y: FloatArray,
    x: FloatArray,
    runningMean: FloatArray,
    runningVar: FloatArray,
    gamma: FloatArray | null,
    beta: FloatArray | null,
    eps: number,
    g: BatchNorm2dGeometry,
  ): void;
  batchNorm2dBackwardTrain(
    dx: FloatArray | null,
    dgamma: FloatArray | null,
    dbeta: FloatArray | null,
    dy: FloatArray,
    x: FloatArray,
    gamma: FloatArray | null,
    batchMean: FloatArray,
    batchVar: FloatArray,
    eps: number,
    g: BatchNorm2dGeometry,
  ): void;
  batchNorm2dBackwardEval(
    dx: FloatArray | null,
    dgamma: FloatArray | null,
    dbeta: FloatArray | null,
    dy: FloatArray,
    x: FloatArray,
    runningMean: FloatArray,
    runningVar: FloatArray,
    gamma: FloatArray | null,
    eps: number,
    g: BatchNorm2dGeometry,
  ): void;
  batchNorm2dUpdateRunningStats(
    runningMean: FloatArray,
    runningVar: FloatArray,
    batchMean: FloatArray,
    batchVar: FloatArray,
    momentum: number,
    g: BatchNorm2dGeometry,
  ): void;

  dropoutForward(y: FloatArray, x: FloatArray, mask: Uint8Array, p: number): void;
  dropoutBackward(dx: FloatArray, dy: FloatArray, mask: Uint8Array, p: number): void;

  softmaxAxisForward(y: FloatArray, x: FloatArray, g: AxisGeometry): void;
  softmaxAxisBackward(dx: FloatArray, dy: FloatArray, y: FloatArray, g: AxisGeometry): void;
  logSoftmaxForward(y: FloatArray, x: FloatArray, g: AxisGeometry): void;
  logSoftmaxBackward(dx: FloatArray, dy: FloatArray, y: FloatArray, g: AxisGeometry): void;

  crossEntropyForward(
    losses: FloatArray,
    logits: FloatArray,
    labels: Labels,
    weight: FloatArray | null,
    ignoreIndex: number,
    g: CrossEntropyGeometry,
  ): number;
  crossEntropyBackward(
    dlogits: FloatArray,
    dlosses: FloatArray,
    logits: FloatArray,
    labels: Labels,
    weight: FloatArray | null,
    ignoreIndex: number,
    g: CrossEntropyGeometry,
  ): void;

  binaryCrossEntropyWithLogitsForward(
    losses: FloatArray,
    x: FloatArray,
    target: FloatArray,
    posWeight: FloatArray | null,
  ): void;
  binaryCrossEntropyWithLogitsBackward(
    dx: FloatArray | null,
    dtarget: FloatArray | null,
    dlosses: FloatArray,
    x: FloatArray,
    target: FloatArray,
    posWeight: FloatArray | null,
  ): void;

  mseLossForward(losses: FloatArray, x: FloatArray, target: FloatArray): void;
  mseLossBackward(
    dx: FloatArray | null,
    dtarget: FloatArray | null,
    dlosses: FloatArray,
    x: FloatArray,
    target: FloatArray,
  ): void;
  smoothL1LossForward(losses: FloatArray, x: FloatArray, target: FloatArray, beta: number): void;
  smoothL1LossBackward(
    dx: FloatArray | null,
    dtarget: FloatArray | null,
    dlosses: FloatArray,
    x: FloatArray,
    target: FloatArray,
    beta: number,
  ): void;

  l2NormalizeForward(y: FloatArray, x: FloatArray, eps: number, g: AxisGeometry): void;
  l2NormalizeBackward(
    dx: FloatArray,
    dy: FloatArray,
    x: FloatArray,
    eps: number,
    g: AxisGeometry,
  ): void;
}

let current: Backend | null = null;

/** Makes `backend` the one every op calls from now on. */
export function setBackend(backend: Backend): void {
  current = backend;
}

/**
 * The backend ops call. Until setBackend is called it is the reference backend, registered by
 * src/kernels/reference/index.ts when it is first imported.
 */
export function getBackend(): Backend {
  if (current === null)
    throw new Error('No kernel backend registered: import convnet-ts, or call setBackend');
  return current;
}

/**
 * Makes what `build` returns (typically a model, whose parameters then live where the current
 * backend's kernels read them in place) with the current backend's resident memory, where it
 * has one; otherwise simply runs `build`. For models that live as long as the backend.
 */
export function residentTensors<T>(build: () => T): T {
  const backend = getBackend();
  return backend.resident === undefined ? build() : backend.resident(build);
}

/** Registers a default without replacing a backend the user chose. */
export function setDefaultBackend(backend: Backend): void {
  current ??= backend;
}
