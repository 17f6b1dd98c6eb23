/**
 * The kernel contract. The reference backend (plain loops, the spec) and any fast backend
 * implement this one interface, so the compiler holds their signatures together and the
 * conformance tests can run every case against both.
 *
 * Conventions: outputs first; geometry last (made by shape.ts, never recomputed here); every
 * function overwrites its output; shapes are in each function's doc in the reference files.
 */
import type {
  ClassificationGeometry,
  Conv2dGeometry,
  LinearGeometry,
  Pool2dGeometry,
} from '../shape.js';
import type { FloatArray } from '../tensor.js';
import type { AvgPoolMode } from './reference/avg-pool2d.js';
import type { Labels } from './reference/softmax-cross-entropy.js';

export type { AvgPoolMode, Labels };

export interface Backend {
  /** A short name shown to users: 'reference', 'wasm-simd', ... */
  readonly name: string;

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

  softmaxCrossEntropyForward(logits: FloatArray, labels: Labels, g: ClassificationGeometry): number;
  softmaxCrossEntropyBackward(
    dlogits: FloatArray,
    logits: FloatArray,
    labels: Labels,
    g: ClassificationGeometry,
    dloss?: number,
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

/** Registers a default without replacing a backend the user chose. */
export function setDefaultBackend(backend: Backend): void {
  current ??= backend;
}
