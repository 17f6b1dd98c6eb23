/**
 * The fully connected forward for batches below FEW_ROWS rows (inference on one image, say),
 * where packing w for the GEMM would cost more than the product itself. Same contract as
 * linearForward (linear.ts): x:(N,IN) w:(OUT,IN) b:(OUT) -> y:(N,OUT), y = x * w^T + b.
 *
 * Frozen weights are packed once and kept (src/kernels/wasm/weight-cache.ts), and
 * linearForwardFewRowsPacked reads them in that layout: every output the same KC blocks in the
 * same order as the GEMM's, so one image's outputs have the same bits as its row in a batch.
 * Weights that change call after call are read in place by linearForwardFewRows, one dot product
 * per output.
 */
import { shareStart } from './lib/geometry';
import { storeTileRow } from './lib/micro-kernel';
import { addBias } from './lib/row-bias';
import { madd } from './lib/simd';
import { CLAIMED_COLUMNS, claimedBlock, KC, MR, NR } from './sgemm';

/** Batches below this many rows skip the GEMM: packing w would cost more than reading it once. */
const FEW_ROWS: i32 = MR;

/** FEW_ROWS, for the host to choose between linearForward and the few-row kernels. */
export function linearFewRows(): i32 {
  return FEW_ROWS;
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

/**
 * The NR-column panel of w packed whole (packClaimedB) holding column j's KC block from k0: the
 * first or second panel of j's item.
 */
@inline
function claimedPanel(panels: usize, j: i32, k0: i32, kc: i32, K: i32): usize {
  const item = j / CLAIMED_COLUMNS;
  return claimedBlock(panels, item, k0, K) + <usize>((j - item * CLAIMED_COLUMNS) * kc) * 4;
}

/** y[j] = v[j] (+ y[j] where accumulate), for the first `count` (0-4) of v's lanes. */
@inline
function storeLanes(at: usize, v: v128, count: i32, accumulate: bool): void {
  if (count > 0) storeLane(at, f32x4.extract_lane(v, 0), accumulate);
  if (count > 1) storeLane(at + 4, f32x4.extract_lane(v, 1), accumulate);
  if (count > 2) storeLane(at + 8, f32x4.extract_lane(v, 2), accumulate);
  if (count > 3) storeLane(at + 12, f32x4.extract_lane(v, 3), accumulate);
}

@inline
function storeLane(at: usize, value: f32, accumulate: bool): void {
  store<f32>(at, accumulate ? value + load<f32>(at) : value);
}

/**
 * y[j .. j+count) (+)= a block's sums for an NR-column panel (lo: its first four, hi: the rest), as
 * the GEMM's micro-kernel adds a KC block to C: sum + C.
 */
@inline
function storePanel(at: usize, lo: v128, hi: v128, count: i32, accumulate: bool): void {
  if (count >= NR) {
    storeTileRow(at, lo, hi, accumulate);
  } else {
    storeLanes(at, lo, min(count, 4), accumulate);
    storeLanes(at + 16, hi, count - 4, accumulate);
  }
}

/**
 * y = x * w^T + b for fewer than FEW_ROWS rows, from w packed whole for the GEMM (`panels`,
 * linearPackWeights). Three NR-column panels at a time: per k one splat of x[k] and six vectors
 * of w, read in order, into six accumulators, independent multiply-add chains. (Four panels'
 * eight would keep both multiply-add units busier, but V8 loads a step's operands before its
 * multiply-adds: 8 + 1 + 8 registers of 16, and one accumulator then lives in memory, 1.8x the
 * time.) Each output is its KC blocks' sums in order, each added to y as the micro-kernel adds
 * it to C, then b: the same operations as linearForward and addRowBias, so the same bits. Threads
 * share the groups of panels, each read from memory once in all (a row after the first finds
 * its group in L1 or L2).
 */
export function linearForwardFewRowsPacked(
  tid: i32,
  threads: i32,
  N: i32,
  IN: i32,
  OUT: i32,
  y: usize,
  x: usize,
  panels: usize,
  b: usize,
): void {
  const GROUP = 3 * NR;
  const groups = (OUT + GROUP - 1) / GROUP;
  const end = shareStart(groups, tid + 1, threads);
  for (let group = shareStart(groups, tid, threads); group < end; group++) {
    const j0 = group * GROUP;
    for (let n = 0; n < N; n++) {
      const xRow = x + <usize>(n * IN) * 4;
      const yRow = y + <usize>(n * OUT + j0) * 4;
      for (let k0 = 0; k0 < IN; k0 += KC) {
        const kc = min(KC, IN - k0);
        // A panel past OUT is not packed: the first stands in, and its sums are not stored.
        const p0 = claimedPanel(panels, j0, k0, kc, IN);
        const p1 = j0 + NR < OUT ? claimedPanel(panels, j0 + NR, k0, kc, IN) : p0;
        const p2 = j0 + 2 * NR < OUT ? claimedPanel(panels, j0 + 2 * NR, k0, kc, IN) : p0;
        let a0 = f32x4.splat(0),
          a1 = f32x4.splat(0);
        let a2 = f32x4.splat(0),
          a3 = f32x4.splat(0);
        let a4 = f32x4.splat(0),
          a5 = f32x4.splat(0);
        // Pointers stepped rather than indexed by k: V8 adds to each instead of computing four
        // addresses per step (the layer 1.2x faster at batch 1).
        let xAt = xRow + <usize>k0 * 4;
        const xEnd = xAt + <usize>kc * 4;
        let q0 = p0,
          q1 = p1,
          q2 = p2;
        for (; xAt < xEnd; xAt += 4) {
          const xk = v128.load32_splat(xAt);
          a0 = madd(a0, xk, v128.load(q0));
          a1 = madd(a1, xk, v128.load(q0, 16));
          a2 = madd(a2, xk, v128.load(q1));
          a3 = madd(a3, xk, v128.load(q1, 16));
          a4 = madd(a4, xk, v128.load(q2));
          a5 = madd(a5, xk, v128.load(q2, 16));
          q0 += NR * 4;
          q1 += NR * 4;
          q2 += NR * 4;
        }
        const accumulate = k0 > 0;
        storePanel(yRow, a0, a1, OUT - j0, accumulate);
        if (j0 + NR < OUT) storePanel(yRow + NR * 4, a2, a3, OUT - j0 - NR, accumulate);
        if (j0 + 2 * NR < OUT) storePanel(yRow + 2 * NR * 4, a4, a5, OUT - j0 - 2 * NR, accumulate);
      }
      if (b != 0) addBias(y + <usize>(n * OUT) * 4, b, j0, min(OUT, j0 + GROUP));
    }
  }
}
