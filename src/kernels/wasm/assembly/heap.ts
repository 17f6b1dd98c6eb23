/**
 * The kernels' memory: imported and shared between threads. The host (src/kernels/wasm/) owns
 * every byte above heapBase(). Every file in this folder (but lib/) is an entry of the build
 * (scripts/build-wasm.mjs), so its exported functions are the module's exports.
 */

/** The first byte after the module's static data: memory from here on is the host's to manage. */
export function heapBase(): usize {
  return __heap_base;
}
