/**
 * Finding and compiling the kernel module, at the SIMD level simd.ts detected: four builds
 * (scripts/build-wasm.mjs), plain 128-bit SIMD or SIMD with relaxed SIMD's fused multiply-add,
 * each for a shared memory (threads) or a plain one.
 */
import { isNode } from './platform.js';
import type { SimdLevel } from './simd.js';

/**
 * The compiled kernels at this SIMD level, for a shared memory (threads) or a plain one. In Node
 * they are read from build/; elsewhere fetched.
 */
export async function compileKernels(
  level: SimdLevel,
  shared: boolean,
): Promise<WebAssembly.Module> {
  const file = `kernels-${level}${shared ? '-shared' : ''}.wasm`;
  // From src/kernels/wasm/ and from dist/kernels/wasm/ alike, build/ is three levels up.
  const url = new URL(`../../../build/${file}`, import.meta.url);
  let bytes: Uint8Array<ArrayBuffer>;
  if (isNode) {
    const { readFile } = await import('node:fs/promises');
    try {
      bytes = new Uint8Array(await readFile(url));
    } catch (error) {
      throw new Error(
        `wasm kernels: cannot read ${url.pathname} (${String(error)}); build them with npm run build:wasm`,
      );
    }
  } else {
    const response = await fetch(url);
    if (!response.ok)
      throw new Error(`wasm kernels: fetching ${url.href} failed with ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  return WebAssembly.compile(bytes);
}
