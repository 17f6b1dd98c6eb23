/**
 * Work items claimed one at a time from a counter the call's threads share (a zeroed int32 the
 * host passes, Marshal.counter): a thread that finishes an item takes the next, so a core that
 * runs faster does more of the call. The two vCPUs of this project's VM run at different speeds
 * at times (the same SGEMM loop on both at once: 22.7 and 39.3 GFLOPS), and a fixed split waits
 * for the slower. Each item is computed by the same operations whichever thread claims it, so
 * the results stay bitwise the same on any thread count.
 */
@inline
export function claim(next: usize): i32 {
  return atomic.add<i32>(next, 1);
}
