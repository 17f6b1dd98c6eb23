/**
 * Elementwise kernels on few elements run on the calling thread alone: waking the workers costs
 * more than the work (a bias of 10 or 128 values). The kernels' results do not depend on the
 * thread count, so this is a choice of speed only.
 */
import type { Marshal } from './marshal.js';

/** Below this many elements an elementwise kernel runs on one thread. */
export const SMALL_ELEMENTWISE = 16384;

/** Runs the threaded kernel `name(tid, threads, ...args)` over `count` elements. */
export function runElementwise(
  m: Marshal,
  name: string,
  count: number,
  args: readonly number[],
): void {
  if (count < SMALL_ELEMENTWISE) m.call(name, 0, 1, ...args);
  else m.run(name, args);
}
