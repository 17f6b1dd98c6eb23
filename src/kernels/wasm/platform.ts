/** What the engine offers the fast backend: cores, and whether threads can share memory. */

/** Running in Node (worker_threads, files) rather than a browser (Worker, fetch). */
export const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

/** All cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in a browser. */
export async function defaultThreads(): Promise<number> {
  if (isNode) {
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

/**
 * The most threads a backend may start: THREADS_PER_CORE per core. More only wait for a core,
 * and each worker is a JavaScript engine of its own (tens of MB), so a typo such as 999 would
 * exhaust memory before the first kernel runs.
 */
export const THREADS_PER_CORE = 4;

/** The thread limit for `cores` cores, and a phrase saying where it comes from. */
export function threadLimit(cores: number): { max: number; reason: string } {
  const max = THREADS_PER_CORE * Math.max(1, cores);
  return { max, reason: `${THREADS_PER_CORE} x the ${cores} core${cores === 1 ? '' : 's'}` };
}
