export { createWasmBackend, useWasmBackend } from './wasm-backend.js';
export type { CopyStats } from './copy-stats.js';
export type { KernelPath, WasmBackend, WasmBackendOptions } from './wasm-backend.js';
export { detectSimd, simdSupported } from './simd.js';
export type { SimdLevel } from './simd.js';
