/**
 * convnet-ts/internals: the parts for people who write ops and backends, kept off the package
 * root so that the root stays the user's API (index.ts).
 *
 * - Autograd's tape: record() an op's output with its backward; GradNode is a tape entry.
 * - Geometry: every builder and validator in src/shape/, one file per op family. Each file is
 *   re-exported whole, so a builder added there is here without a list to keep.
 * - The kernel registry: the reference kernels are the contract (KernelTable, KernelName);
 *   withReferenceFallback fills a fast backend's gaps from them; `reference` is the reference
 *   kernels themselves, plain loops over Float32Array or Float64Array.
 */
export { record, GradNode } from './autograd.js';
export type { BackwardFn, BackwardOptions } from './autograd.js';

export * from './shape/shape.js';
export * from './shape/shape-error.js';
export * from './shape/adaptive-pool2d.js';
export * from './shape/axis.js';
export * from './shape/batch-norm2d.js';
export * from './shape/broadcast.js';
export * from './shape/concat.js';
export * from './shape/conv-transpose2d.js';
export * from './shape/conv2d.js';
export * from './shape/cross-entropy.js';
export * from './shape/linear.js';
export * from './shape/matmul.js';
export * from './shape/permute.js';
export * from './shape/pool2d.js';
export * from './shape/reduce.js';
export * from './shape/reshape.js';
export * from './shape/upsample2d.js';

export { withReferenceFallback } from './kernels/backend.js';
export type {
  ActiveBackend,
  AvgPoolMode,
  KernelName,
  KernelTable,
  Labels,
  UpsampleBilinearMode,
} from './kernels/backend.js';
export * as reference from './kernels/reference/index.js';
export { detectSimd } from './kernels/wasm/index.js';
export type { CopyStats } from './kernels/wasm/index.js';
