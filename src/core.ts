/**
 * The names at the root of both entries, convnet-ts (index.ts) and convnet-ts/browser
 * (browser.ts): the tensor, the seeded RNG, gradient mode, the shape error, and choosing the
 * backend. Everything else is in a namespace that each entry attaches (nn, optim, data, train,
 * io, viz, check), and the parts for people who write ops and backends are in
 * convnet-ts/internals (internals.ts). One file, so the two roots cannot drift apart.
 */
export { Tensor } from './tensor.js';
export type { DType, FloatArray, Shape } from './tensor.js';
export { Rng } from './rng.js';
export type { RngState } from './rng.js';
export { noGrad, isGradEnabled } from './autograd.js';
export { ShapeError } from './shape/shape-error.js';
export { getBackend, referenceBackend, residentTensors, setBackend } from './kernels/backend.js';
export type { Backend } from './kernels/backend.js';
export { createWasmBackend, simdSupported, useWasmBackend } from './kernels/wasm/index.js';
export type {
  KernelPath,
  SimdLevel,
  WasmBackend,
  WasmBackendOptions,
} from './kernels/wasm/index.js';
