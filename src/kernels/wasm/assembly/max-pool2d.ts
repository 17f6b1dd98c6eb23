/**
 * Max pooling, threaded over (n, c) planes. Same contract as src/kernels/reference/max-pool2d.ts:
 * x:(N,C,H,W) -> y:(N,C,OH,OW), y = max of each window, padding never wins, ties to the first
 * maximum in row-major window order, NaN wins; the backward pass adds dy at that argmax only.
 *
 * Comparisons are branch-free (select / bitselect): on real activations the winner of a window is
 * unpredictable, and a mispredicted branch per comparison costs more than the whole window.
 * The common 2x2 stride-2 case runs four windows at a time in f32x4 lanes, a row's last OW % 4 in
 * the group of four that ends it (those recomputed give the same values, stored again).
 */
import { PoolGeometry, shareStart } from './lib/geometry';
import { evenLanes, firstMax, oddLanes } from './lib/simd';

/** Whether `value` beats `best` under the contract: greater, or NaN over a number. */
@inline
function beats(value: f32, best: f32): bool {
  // @ts-expect-error: an AssemblyScript bool is an integer, and | & keep this free of branches.
  return (value > best) | ((value != value) & (best == best));
}

@inline
function beatsLanes(value: v128, best: v128): v128 {
  const valueIsNaN = f32x4.ne(value, value);
  const bestIsNumber = f32x4.eq(best, best);
  return v128.or(f32x4.gt(value, best), v128.and(valueIsNaN, bestIsNumber));
}

/** `at` if the value there beats the one at `best` (both byte offsets in the plane), else `best`. */
@inline
function laterIfBeats(plane: usize, at: usize, best: usize): usize {
  return select<usize>(at, best, beats(load<f32>(plane + at), load<f32>(plane + best)));
}

/** Byte offset within the plane of the window's maximum. */
@inline
function argmaxInPlane(plane: usize, g: PoolGeometry, i: i32, j: i32): usize {
  const h0 = i * g.strideH - g.padH;
  const w0 = j * g.strideW - g.padW;
  const hStart = max(h0, 0),
    hEnd = min(h0 + g.KH, g.H);
  const wStart = max(w0, 0),
    wEnd = min(w0 + g.KW, g.W);
  let best = <usize>(hStart * g.W + wStart) * 4;
  let bestValue = load<f32>(plane + best);
  for (let h = hStart; h < hEnd; h++) {
    for (let v = wStart; v < wEnd; v++) {
      const at = <usize>(h * g.W + v) * 4;
      const value = load<f32>(plane + at);
      const wins = beats(value, bestValue);
      best = select<usize>(at, best, wins);
      bestValue = select<f32>(value, bestValue, wins);
    }
  }
  return best;
}

@inline
function isTwoByTwo(g: PoolGeometry): bool {
  return g.KH == 2 && g.KW == 2 && g.strideH == 2 && g.strideW == 2 && g.padH == 0 && g.padW == 0;
}

/** Pooled outputs j .. j + 3 of a row from input rows `top` and `bottom`, windows in row-major order. */
@inline
function pool4(out: usize, top: usize, bottom: usize, j: i32): void {
  const at = <usize>(2 * j) * 4;
  const t0 = v128.load(top + at),
    t1 = v128.load(top + at, 16);
  const u0 = v128.load(bottom + at),
    u1 = v128.load(bottom + at, 16);
  const ab = firstMax(evenLanes(t0, t1), oddLanes(t0, t1));
  const abc = firstMax(ab, evenLanes(u0, u1));
  v128.store(out + <usize>j * 4, firstMax(abc, oddLanes(u0, u1)));
}

export function maxPool2dForward(
  tid: i32,
  threads: i32,
  geometry: usize,
  y: usize,
  x: usize,
): void {
  const g = changetype<PoolGeometry>(geometry);
  const planes = g.N * g.C;
  const W = g.W,
    OH = g.OH,
    OW = g.OW;
  const HW = g.H * W;
  const OHW = OH * OW;
  const twoByTwo = isTwoByTwo(g);
  const end = shareStart(planes, tid + 1, threads);
  for (let plane = shareStart(planes, tid, threads); plane < end; plane++) {
    const xp = x + <usize>(plane * HW) * 4;
    const yp = y + <usize>(plane * OHW) * 4;
    for (let i = 0; i < OH; i++) {
      let j = 0;
      if (twoByTwo && OW >= 4) {
        const top = xp + <usize>(2 * i * W) * 4;
        const bottom = top + <usize>W * 4;
        const out = yp + <usize>(i * OW) * 4;
        for (; j + 4 <= OW; j += 4) pool4(out, top, bottom, j);
        // The last OW % 4 windows in the group that ends the row, recomputing some (same values).
        if (j < OW) pool4(out, top, bottom, OW - 4);
        j = OW;
      }
      for (; j < OW; j++) {
        store<f32>(yp + <usize>(i * OW + j) * 4, load<f32>(xp + argmaxInPlane(xp, g, i, j)));
      }
    }
  }
}

/**
 * Backward of four 2x2 windows (a b over c d, lanes are windows): dy at output index `o` (and
 * the next three) to the first maximum of each, decided in row-major order (a, b, c, d), so a
 * later position must beat, not tie, the best so far. Windows start at column 2j of rows `top`
 * and `bottom` (element offsets in the plane).
 */
@inline
function unpool4(dxp: usize, dyp: usize, xp: usize, top: i32, bottom: i32, o: i32, j: i32): void {
  const t = xp + <usize>(top + 2 * j) * 4;
  const u = xp + <usize>(bottom + 2 * j) * 4;
  const t0 = v128.load(t),
    t1 = v128.load(t, 16);
  const u0 = v128.load(u),
    u1 = v128.load(u, 16);
  const a = evenLanes(t0, t1),
    b = oddLanes(t0, t1);
  const c = evenLanes(u0, u1),
    d = oddLanes(u0, u1);
  const bWins = beatsLanes(b, a);
  let best = v128.bitselect(b, a, bWins);
  const cWins = beatsLanes(c, best);
  best = v128.bitselect(c, best, cWins);
  const dWins = beatsLanes(d, best);
  const grad = v128.load(dyp + <usize>o * 4);
  const gd = v128.and(grad, dWins);
  const gc = v128.andnot(v128.and(grad, cWins), dWins);
  const gb = v128.andnot(v128.andnot(v128.and(grad, bWins), cWins), dWins);
  const ga = v128.andnot(grad, v128.or(v128.or(bWins, cWins), dWins));
  // Interleave back: the top row is a0 b0 a1 b1 ..., the bottom row c0 d0 c1 d1 ...
  const dt = dxp + <usize>(top + 2 * j) * 4;
  const du = dxp + <usize>(bottom + 2 * j) * 4;
  v128.store(dt, v128.shuffle<f32>(ga, gb, 0, 4, 1, 5));
  v128.store(dt, v128.shuffle<f32>(ga, gb, 2, 6, 3, 7), 16);
  v128.store(du, v128.shuffle<f32>(gc, gd, 0, 4, 1, 5));
  v128.store(du, v128.shuffle<f32>(gc, gd, 2, 6, 3, 7), 16);
}

export function maxPool2dBackward(
  tid: i32,
  threads: i32,
  geometry: usize,
  dx: usize,
  dy: usize,
  x: usize,
): void {
  const g = changetype<PoolGeometry>(geometry);
  const planes = g.N * g.C;
  const W = g.W,
    OH = g.OH,
    OW = g.OW;
  const HW = g.H * W;
  const OHW = OH * OW;
  const twoByTwo = isTwoByTwo(g);
  // 2x2 windows that tile the plane, four at a time, write every dx value (0 or dy), so the
  // plane needs no zeros first: a whole pass over dx saved.
  const tiled = twoByTwo && OW >= 4 && g.H == 2 * OH && W == 2 * OW;
  const end = shareStart(planes, tid + 1, threads);
  for (let plane = shareStart(planes, tid, threads); plane < end; plane++) {
    const xp = x + <usize>(plane * HW) * 4;
    const dxp = dx + <usize>(plane * HW) * 4;
    const dyp = dy + <usize>(plane * OHW) * 4;
    if (!tiled) memory.fill(dxp, 0, <usize>HW * 4);
    for (let i = 0; i < OH; i++) {
      let j = 0;
      if (twoByTwo) {
        // Four windows at once, the row's last OW % 4 in the group that ends it (those
        // recomputed store the same values again).
        const top = 2 * i * W;
        const bottom = top + W;
        for (; j + 4 <= OW; j += 4) unpool4(dxp, dyp, xp, top, bottom, i * OW + j, j);
        if (j < OW && OW >= 4) {
          unpool4(dxp, dyp, xp, top, bottom, i * OW + OW - 4, OW - 4);
          j = OW;
        }
        // Rows of fewer than four windows, one window at a time by the same rules and order.
        for (; j < OW; j++) {
          const a = <usize>(top + 2 * j) * 4;
          const c = <usize>(bottom + 2 * j) * 4;
          let best = a;
          best = laterIfBeats(xp, a + 4, best);
          best = laterIfBeats(xp, c, best);
          best = laterIfBeats(xp, c + 4, best);
          store<f32>(dxp + best, load<f32>(dyp + <usize>(i * OW + j) * 4));
        }
      }
      for (; j < OW; j++) {
        const at = dxp + argmaxInPlane(xp, g, i, j);
        store<f32>(at, load<f32>(at) + load<f32>(dyp + <usize>(i * OW + j) * 4));
      }
    }
  }
}
