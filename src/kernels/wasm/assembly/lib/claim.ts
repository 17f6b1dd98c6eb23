/**
 * Work items claimed one at a time from counters the call's threads share (zeroed int32s, one
 * per thread, that the host passes: Marshal.counter). Thread t owns items t*n/T .. (t+1)*n/T - 1
 * and claims them first, in order; then it takes the items its neighbours have not claimed yet,
 * so a core that runs faster does more of the call: the two vCPUs of this project's VM run at
 * different speeds at times (the same SGEMM loop on both at once: 22.7 and 39.3 GFLOPS), and a
 * fixed split waits for the slower. Owning a range first keeps an image on the same core from one
 * layer to the next (a convolution's output is the next one's input) and from one call to the
 * next: a cache line that the other core has read costs 9 ns to write and one it wrote 2 ns to
 * read, against 0.4 and 0.6 ns for the same core's (measured here, 512 KB); one shared counter
 * scattered the images (seed-net batch-64 forward on 2 threads: 0.959x the time with owned
 * ranges). Each item is computed by the same operations whichever thread claims it, so the
 * results stay bitwise the same on any thread count.
 */

/** The next item for thread `tid` of `threads` (items of n: n when none is left). */
export function claim(next: usize, tid: i32, threads: i32, n: i32): i32 {
  for (let k = 0; k < threads; k++) {
    const owner = (tid + k) % threads;
    const start = <i32>((<i64>owner * n) / threads);
    const end = <i32>((<i64>(owner + 1) * n) / threads);
    const counter = next + <usize>owner * 4;
    // A range already used up costs a load, not an atomic add.
    if (start + atomic.load<i32>(counter) >= end) continue;
    const item = start + atomic.add<i32>(counter, 1);
    if (item < end) return item;
  }
  return n;
}
