/**
 * Feature-testing WebAssembly SIMD. Relaxed SIMD is used where the engine validates it; Node 20
 * only does so behind --experimental-wasm-relaxed-simd, which detectSimd sets before any compile
 * needs it.
 */
import { isNode } from './platform.js';

export type SimdLevel = 'relaxed-simd' | 'simd';

/** The smallest module that uses a 128-bit SIMD instruction (f32x4.splat of 0). */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03,
  0x02, 0x01, 0x00, 0x0a, 0x0b, 0x01, 0x09, 0x00, 0x43, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x13, 0x0b,
]);

/** The same with relaxed SIMD: f32x4.relaxed_madd of three zero vectors. */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03,
  0x02, 0x01, 0x00, 0x0a, 0x1c, 0x01, 0x1a, 0x00, 0x43, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x13, 0x43,
  0x00, 0x00, 0x00, 0x00, 0xfd, 0x13, 0x43, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x13, 0xfd, 0x85, 0x02,
  0x0b,
]);

let relaxedFlagSet = false;

/** Node 20 keeps relaxed SIMD behind a V8 flag; set it once, before any compile that needs it. */
async function enableRelaxedSimdInNode(): Promise<void> {
  if (!isNode || relaxedFlagSet || WebAssembly.validate(RELAXED_SIMD_PROBE)) return;
  relaxedFlagSet = true;
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}

export function simdSupported(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}

/** The best SIMD level this engine runs, or null where it has no WebAssembly SIMD at all. */
export async function detectSimd(): Promise<SimdLevel | null> {
  if (!simdSupported()) return null;
  await enableRelaxedSimdInNode();
  return WebAssembly.validate(RELAXED_SIMD_PROBE) ? 'relaxed-simd' : 'simd';
}
