/**
 * Fully connected layer as SGEMMs, threaded by sgemmPart (the forward by sgemmClaimed: columns
 * claimed one item at a time where the batch has at most MC rows). Same contract as
 * src/kernels/reference/linear.ts: x:(N,IN) w:(OUT,IN) b:(OUT) -> y:(N,OUT).
 *
 *   y  = x * w^T + b      dx = dy * w      dw = dy^T * x      db = sum_n dy[n,:]
 */
import { shareStart } from './lib/geometry';
import { addBias } from './lib/row-bias';
import {
  claimedPanelsFloats,
  packClaimedB,
  sgemmClaimed,
  sgemmClaimedScratchBytes,
  sgemmPart,
} from './sgemm';

export function linearForward(
  tid: i32,
  threads: i32,
  N: i32,
  IN: i32,
  OUT: i32,
  y: usize,
  x: usize,
  w: usize,
  panels: usize,
  next: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  sgemmClaimed(
    tid,
    threads,
    N,
    OUT,
    IN,
    x,
    IN,
    false,
    w,
    IN,
    true,
    y,
    OUT,
    false,
    panels,
    next,
    scratch,
    scratchStride,
  );
}

/**
 * Bytes of w packed for linearForward's `panels` (linearPackWeights), or 0 where this batch's
 * forward packs its own blocks.
 */
export function linearPanelBytes(N: i32, IN: i32, OUT: i32): i32 {
  return claimedPanelsFloats(N, OUT, IN) * 4;
}

/** Packs w:(OUT,IN) whole for linearForward's `panels`: what its GEMM would pack per call. */
export function linearPackWeights(
  tid: i32,
  threads: i32,
  IN: i32,
  OUT: i32,
  w: usize,
  panels: usize,
): void {
  packClaimedB(tid, threads, OUT, IN, w, IN, true, panels);
}

/** Bytes of scratch a thread needs for linearForward. */
export function linearForwardScratchBytes(N: i32, IN: i32, OUT: i32): i32 {
  return sgemmClaimedScratchBytes(N, OUT, IN);
}

/** y[n,:] += b, after linearForward (a separate dispatch, so every row of y is complete). */
export function addRowBias(tid: i32, threads: i32, N: i32, OUT: i32, y: usize, b: usize): void {
  const end = shareStart(N, tid + 1, threads);
  for (let n = shareStart(N, tid, threads); n < end; n++) {
    addBias(y + <usize>(n * OUT) * 4, b, 0, OUT);
  }
}

export function linearBackwardInput(
  tid: i32,
  threads: i32,
  N: i32,
  IN: i32,
  OUT: i32,
  dx: usize,
  dy: usize,
  w: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  sgemmPart(
    tid,
    threads,
    N,
    IN,
    OUT,
    dy,
    OUT,
    false,
    w,
    IN,
    false,
    dx,
    IN,
    false,
    scratch,
    scratchStride,
  );
}

export function linearBackwardWeight(
  tid: i32,
  threads: i32,
  N: i32,
  IN: i32,
  OUT: i32,
  dw: usize,
  dy: usize,
  x: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  sgemmPart(
    tid,
    threads,
    OUT,
    IN,
    N,
    dy,
    OUT,
    true,
    x,
    IN,
    false,
    dw,
    IN,
    false,
    scratch,
    scratchStride,
  );
}

/** db[o] = sum_n dy[n,o], accumulated in f64. */
export function linearBackwardBias(
  tid: i32,
  threads: i32,
  N: i32,
  OUT: i32,
  db: usize,
  dy: usize,
): void {
  const end = shareStart(OUT, tid + 1, threads);
  for (let o = shareStart(OUT, tid, threads); o < end; o++) {
    let sum: f64 = 0;
    for (let n = 0; n < N; n++) sum += <f64>load<f32>(dy + <usize>(n * OUT + o) * 4);
    store<f32>(db + <usize>o * 4, <f32>sum);
  }
}
