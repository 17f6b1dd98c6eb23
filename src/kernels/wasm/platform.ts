/** What the engine offers the fast backend: cores, and whether threads can share memory. */

/** All cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in a browser. */
export async function defaultThreads(): Promise<number> {
  if (typeof process !== 'undefined' && process.versions?.node !== undefined) {
    const os = await import('node:os');
    return Math.max(1, os.availableParallelism());
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** SharedArrayBuffer exists, and a page is cross-origin isolated (Node always is). */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}
