/**
 * Bilinear upsampling, separable and threaded. Same contract as the reference
 * (src/kernels/reference/upsample-bilinear2d.ts), in float32:
 *
 *   x:(N,C,H,W) -> y:(N,C,OH,OW)
 *   row(r)[j] = cw0[j] * x[r, c0[j]] + cw1[j] * x[r, c1[j]]            (across a row)
 *   y[i, :]   = rw0[i] * row(r0[i]) + rw1[i] * row(r1[i])             (down the rows)
 *
 * with the taps (first, second) and their weights (1 - l, l) of each axis computed by the host
 * (src/shape/upsample-taps.ts). The backward pass is the transpose, per plane, down the rows
 * first (so that the scalar part runs on H rows, not OH):
 *
 *   u[r0[i], :] += rw0[i] * dy[i, :],   u[r1[i], :] += rw1[i] * dy[i, :]   (i = 0 .. OH-1)
 *   dx[r, w]     = sum_{(j, v) in cols(w)} v * u[r, j]
 *
 * where cols(w) lists the output columns that read input column w with their weights, in
 * order of j (the taps transposed by the host: colStarts[w] .. colStarts[w+1] index colEntries
 * and colEntryWeights).
 *
 * The forward splits output rows among threads (each row is computed on its own, keeping the
 * last two input rows it interpolated across); the backward gives each thread whole planes,
 * added in the same order whatever the thread count.
 *
 * A tap table is (first[out], second[out]) as i32 and a weight table (w0[out], w1[out]) as f32.
 * Scratch per thread: two rows of OW floats (forward), u, H rows of OW floats (backward).
 */
import { shareStart, UpsampleGeometry } from './lib/geometry';

@inline
function tap(table: usize, i: i32): i32 {
  return load<i32>(table + <usize>i * 4);
}

@inline
function weight(table: usize, i: i32): f32 {
  return load<f32>(table + <usize>i * 4);
}

/** out[j] = cw0[j] * src[c0[j]] + cw1[j] * src[c1[j]] for j < OW. */
function interpolateRow(out: usize, src: usize, cols: usize, colWeights: usize, OW: i32): void {
  const second = cols + <usize>OW * 4;
  const weight1 = colWeights + <usize>OW * 4;
  for (let j = 0; j < OW; j++) {
    const a = load<f32>(src + <usize>tap(cols, j) * 4);
    const b = load<f32>(src + <usize>tap(second, j) * 4);
    store<f32>(out + <usize>j * 4, weight(colWeights, j) * a + weight(weight1, j) * b);
  }
}

export function upsampleBilinear2dForward(
  tid: i32,
  threads: i32,
  geometry: usize,
  y: usize,
  x: usize,
  rows: usize,
  rowWeights: usize,
  cols: usize,
  colWeights: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<UpsampleGeometry>(geometry);
  const OH = g.OH,
    OW = g.OW;
  let bufA = scratch + <usize>(tid * scratchStride);
  let bufB = bufA + <usize>OW * 4;
  let tagA = -1, // which input row (plane * H + r) each buffer holds
    tagB = -1;
  const items = g.N * g.C * OH;
  const end = shareStart(items, tid + 1, threads);
  for (let item = shareStart(items, tid, threads); item < end; item++) {
    const plane = item / OH;
    const i = item % OH;
    const top = plane * g.H + tap(rows, i);
    const bottom = plane * g.H + tap(rows + <usize>OH * 4, i);
    if (tagA != top) {
      if (tagB == top || tagA == bottom) {
        const buf = bufA;
        bufA = bufB;
        bufB = buf;
        const tag = tagA;
        tagA = tagB;
        tagB = tag;
      }
      if (tagA != top) {
        interpolateRow(bufA, x + <usize>(top * g.W) * 4, cols, colWeights, OW);
        tagA = top;
      }
    }
    let lower = bufA;
    if (bottom != top) {
      if (tagB != bottom) {
        interpolateRow(bufB, x + <usize>(bottom * g.W) * 4, cols, colWeights, OW);
        tagB = bottom;
      }
      lower = bufB;
    }
    const w0 = weight(rowWeights, i);
    const w1 = weight(rowWeights + <usize>OH * 4, i);
    const v0 = f32x4.splat(w0);
    const v1 = f32x4.splat(w1);
    const out = y + <usize>item * <usize>OW * 4;
    let j = 0;
    for (; j + 4 <= OW; j += 4) {
      const at = <usize>j * 4;
      const a = f32x4.mul(v0, v128.load(bufA + at));
      v128.store(out + at, f32x4.add(a, f32x4.mul(v1, v128.load(lower + at))));
    }
    for (; j < OW; j++) {
      const at = <usize>j * 4;
      store<f32>(out + at, w0 * load<f32>(bufA + at) + w1 * load<f32>(lower + at));
    }
  }
}

/** row[:] += weight * src[:], over `count` floats. */
@inline
function addScaledRow(row: usize, src: usize, weight: f32, count: i32): void {
  const v = f32x4.splat(weight);
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const at = <usize>j * 4;
    v128.store(row + at, f32x4.add(v128.load(row + at), f32x4.mul(v, v128.load(src + at))));
  }
  for (; j < count; j++) {
    const at = <usize>j * 4;
    store<f32>(row + at, load<f32>(row + at) + weight * load<f32>(src + at));
  }
}

export function upsampleBilinear2dBackward(
  tid: i32,
  threads: i32,
  geometry: usize,
  dx: usize,
  dy: usize,
  rows: usize,
  rowWeights: usize,
  colStarts: usize,
  colEntries: usize,
  colEntryWeights: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<UpsampleGeometry>(geometry);
  const H = g.H,
    W = g.W,
    OH = g.OH,
    OW = g.OW;
  const u = scratch + <usize>(tid * scratchStride);
  const planes = g.N * g.C;
  const end = shareStart(planes, tid + 1, threads);
  for (let plane = shareStart(planes, tid, threads); plane < end; plane++) {
    memory.fill(u, 0, <usize>(H * OW) * 4);
    for (let i = 0; i < OH; i++) {
      const dyRow = dy + <usize>((plane * OH + i) * OW) * 4;
      const r0 = tap(rows, i);
      const r1 = tap(rows + <usize>OH * 4, i);
      addScaledRow(u + <usize>(r0 * OW) * 4, dyRow, weight(rowWeights, i), OW);
      addScaledRow(u + <usize>(r1 * OW) * 4, dyRow, weight(rowWeights + <usize>OH * 4, i), OW);
    }
    const dxPlane = dx + <usize>(plane * H * W) * 4;
    for (let r = 0; r < H; r++) {
      const uRow = u + <usize>(r * OW) * 4;
      const out = dxPlane + <usize>(r * W) * 4;
      for (let w = 0; w < W; w++) {
        let sum: f32 = 0;
        const e1 = tap(colStarts, w + 1);
        for (let e = tap(colStarts, w); e < e1; e++) {
          sum += weight(colEntryWeights, e) * load<f32>(uRow + <usize>tap(colEntries, e) * 4);
        }
        store<f32>(out + <usize>w * 4, sum);
      }
    }
  }
}
