export { createWasmBackend, useWasmBackend } from './wasm-backend.js';
export type { CopyStats } from './arena.js';
export type { KernelPath, WasmBackend, WasmBackendOptions } from './wasm-backend.js';
export { detectSimd, simdSupported } from './module.js';
export type { SimdLevel } from './module.js';
