/**
 * Fully connected layer as SGEMMs, threaded by sgemmPart (the forward by sgemmClaimed: columns
 * claimed one item at a time where the batch has at most MC rows). Same contract as
 * src/kernels/reference/linear.ts: x:(N,IN) w:(OUT,IN) b:(OUT) -> y:(N,OUT).
 *
 *   y  = x * w^T + b      dx = dy * w      dw = dy^T * x      db = sum_n dy[n,:]
 */
import { shareStart } from './lib/geometry';
import { madd } from './lib/simd';
import {
  claimedPanelsFloats,
  MR,
  packClaimedB,
  sgemmClaimed,
  sgemmClaimedScratchBytes,
  sgemmPart,
} from './sgemm';

/** Batches below this many rows skip the GEMM: packing w would cost more than reading it once. */
const FEW_ROWS: i32 = MR;

/** FEW_ROWS, for the host to choose between linearForward and linearForwardFewRows. */
export function linearFewRows(): i32 {
  return FEW_ROWS;
}

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

/**
 * The end of one dot product x . w over IN floats, after its 16-float steps up to `from`: 4-float
 * steps into acc0, the four accumulators summed, then the last 0-3 products one by one.
 */
@inline
function finishDot(
  acc0: v128,
  acc1: v128,
  acc2: v128,
  acc3: v128,
  xRow: usize,
  wRow: usize,
  from: i32,
  IN: i32,
): f32 {
  let i = from;
  let a0 = acc0;
  for (; i + 4 <= IN; i += 4) {
    a0 = madd(a0, v128.load(xRow + <usize>i * 4), v128.load(wRow + <usize>i * 4));
  }
  const acc = f32x4.add(f32x4.add(a0, acc1), f32x4.add(acc2, acc3));
  let sum =
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; i < IN; i++) sum += load<f32>(xRow + <usize>i * 4) * load<f32>(wRow + <usize>i * 4);
  return sum;
}

/** y[n, o] = sum + b[o] (b = 0: no bias). */
@inline
function storeOutput(y: usize, b: usize, n: i32, o: i32, OUT: i32, sum: f32): void {
  store<f32>(y + <usize>(n * OUT + o) * 4, b != 0 ? sum + load<f32>(b + <usize>o * 4) : sum);
}

/**
 * y = x * w^T + b for a batch of fewer than FEW_ROWS rows (one image at a time, say): each output
 * is one dot product of a row of x with a row of w, read straight from w's (OUT,IN) layout with
 * no packing. Threads share the outputs, so w is read once in all. Outputs go in pairs, two rows
 * of w against each load of x in eight accumulators: one dot product's four are a chain of
 * dependent multiply-adds one per cycle at most (4 cycles' latency each), half the core's two.
 * Each output has the same operations whichever it is paired with, so the same bits.
 */
export function linearForwardFewRows(
  tid: i32,
  threads: i32,
  N: i32,
  IN: i32,
  OUT: i32,
  y: usize,
  x: usize,
  w: usize,
  b: usize,
): void {
  const end = shareStart(OUT, tid + 1, threads);
  for (let o = shareStart(OUT, tid, threads); o < end; o += 2) {
    const w0 = w + <usize>(o * IN) * 4;
    const paired = o + 1 < end;
    const w1 = paired ? w0 + <usize>IN * 4 : w0; // a last odd output is paired with itself
    for (let n = 0; n < N; n++) {
      const xRow = x + <usize>(n * IN) * 4;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let c0 = f32x4.splat(0);
      let c1 = f32x4.splat(0);
      let c2 = f32x4.splat(0);
      let c3 = f32x4.splat(0);
      let i = 0;
      for (; i + 16 <= IN; i += 16) {
        const at = <usize>i * 4;
        const x0 = v128.load(xRow + at);
        const x1 = v128.load(xRow + at + 16);
        const x2 = v128.load(xRow + at + 32);
        const x3 = v128.load(xRow + at + 48);
        a0 = madd(a0, x0, v128.load(w0 + at));
        c0 = madd(c0, x0, v128.load(w1 + at));
        a1 = madd(a1, x1, v128.load(w0 + at + 16));
        c1 = madd(c1, x1, v128.load(w1 + at + 16));
        a2 = madd(a2, x2, v128.load(w0 + at + 32));
        c2 = madd(c2, x2, v128.load(w1 + at + 32));
        a3 = madd(a3, x3, v128.load(w0 + at + 48));
        c3 = madd(c3, x3, v128.load(w1 + at + 48));
      }
      storeOutput(y, b, n, o, OUT, finishDot(a0, a1, a2, a3, xRow, w0, i, IN));
      if (paired) storeOutput(y, b, n, o + 1, OUT, finishDot(c0, c1, c2, c3, xRow, w1, i, IN));
    }
  }
}

/** y[n,:] += b, after linearForward (a separate dispatch, so every row of y is complete). */
export function addRowBias(tid: i32, threads: i32, N: i32, OUT: i32, y: usize, b: usize): void {
  const end = shareStart(N, tid + 1, threads);
  for (let n = shareStart(N, tid, threads); n < end; n++) {
    const row = y + <usize>(n * OUT) * 4;
    for (let o = 0; o < OUT; o++) {
      const at = row + <usize>o * 4;
      store<f32>(at, load<f32>(at) + load<f32>(b + <usize>o * 4));
    }
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
