/**
 * Convolution as im2col + packed SGEMM, threaded. Same contract as the reference
 * (src/kernels/reference/conv2d.ts):
 *
 *   x:(N,C,H,W) w:(F,CG,KH,KW) b:(F) -> y:(N,F,OH,OW),  CG = C/G, FG = F/G, P = OH*OW, R = CG*KH*KW
 *
 *   forward:          y[n,g]  = w[g]:(FG,R) * cols(x[n,g]):(R,P) + b       (one GEMM per image and group)
 *   backward input:   dx[n,g] = col2im( w[g]^T:(R,FG) * dy[n,g]:(FG,P) )
 *   backward weight:  dw[g]   = sum_n dy[n,g]:(FG,P) * cols(x[n,g])^T:(P,R)
 *   backward bias:    db[f]   = sum_{n,p} dy[n,f,p]
 *
 * A 1x1 kernel with stride 1 and no padding needs no im2col: cols(x[n,g]) is x[n,g] itself.
 *
 * The forward scales each filter's output where given (y = s * conv + b: a batch norm folded in
 * evaluation) and can end with an epilogue (lib/relu-pool.ts) on each thread's own output while it
 * is in cache: ReLU, or ReLU and 2x2 max pooling into z:(N,F,OH/2,OW/2) (the image's y then kept
 * in scratch; a thread's band of rows, with fewer images than threads, starts on an even row).
 *
 * Every function is called on every thread with its index `tid` of `threads`; each output
 * element is written by exactly one thread, with the same arithmetic whatever the thread
 * count. `scratch` is the first thread's scratch area; thread t uses scratch + t*scratchStride.
 */
import { bandStart, ConvGeometry, isDirect, shareStart } from './lib/geometry';
import { col2imAdd, im2col, im2colBand, im2colRows } from './lib/im2col';
import { MR, NR, sgemm, sgemmScratchBytes } from './sgemm';
import { EPILOGUE_RELU, EPILOGUE_RELU_POOL, reluPool2x2Rows } from './lib/relu-pool';

/**
 * yImage[f0..f1, p0..p0+width] (one image's output, group grp): the GEMM of those filters' rows
 * of w and `cols`, a (R, width) matrix whose rows are `ldCols` floats apart, then per filter
 * y = scale * y + bias in one pass (b, s: 0 for none), with max(., 0) in the same pass when
 * `relu`. A scale of 1 and a bias of 0 change nothing (exactly), so one loop serves every case.
 */
@inline
function forwardBlock(
  g: ConvGeometry,
  yImage: usize,
  w: usize,
  b: usize,
  s: usize,
  cols: usize,
  ldCols: i32,
  grp: i32,
  f0: i32,
  f1: i32,
  p0: i32,
  width: i32,
  gemmScratch: usize,
  relu: bool,
): void {
  const FG = g.F / g.groups;
  const R = (g.C / g.groups) * g.KH * g.KW;
  const P = g.OH * g.OW;
  const f = grp * FG + f0;
  const yBlock = yImage + <usize>(f * P + p0) * 4;
  const wRows = w + <usize>(f * R) * 4;
  sgemm(f1 - f0, width, R, wRows, R, false, cols, ldCols, false, yBlock, P, false, gemmScratch);
  if (!relu && b == 0 && s == 0) return;
  // Without ReLU, max(., floor) with floor -Infinity keeps every value (NaN too).
  const floor: f32 = relu ? 0 : -Infinity;
  const lower = f32x4.splat(floor);
  for (let r = 0; r < f1 - f0; r++) {
    const shift: f32 = b != 0 ? load<f32>(b + <usize>(f + r) * 4) : 0;
    const factor: f32 = s != 0 ? load<f32>(s + <usize>(f + r) * 4) : 1;
    const add = f32x4.splat(shift);
    const mul = f32x4.splat(factor);
    const row = yBlock + <usize>(r * P) * 4;
    let p = 0;
    for (; p + 4 <= width; p += 4) {
      const at = row + <usize>p * 4;
      v128.store(at, f32x4.max(f32x4.add(f32x4.mul(v128.load(at), mul), add), lower));
    }
    for (; p < width; p++) {
      const at = row + <usize>p * 4;
      store<f32>(at, max<f32>(load<f32>(at) * factor + shift, floor));
    }
  }
}

/** Bytes of scratch one thread needs for conv2d with this geometry (and epilogue). */
export function conv2dScratchBytes(geometry: usize, epilogue: i32): i32 {
  const g = changetype<ConvGeometry>(geometry);
  const R = (g.C / g.groups) * g.KH * g.KW;
  const kept = epilogue == EPILOGUE_RELU_POOL ? g.F * g.OH * g.OW : 0;
  return sgemmScratchBytes() + (R * g.OH * g.OW + kept) * 4;
}

/**
 * The pooling epilogue on output rows i0 .. i1 of every filter of image n, whose y, without its
 * bias, is kept at yImage: z = max(0, max(window) + b). Rounding is monotonic, so adding the bias
 * after the maximum gives bitwise the maximum of the biased values, in one pass fewer.
 */
function poolEpilogue(
  g: ConvGeometry,
  yImage: usize,
  b: usize,
  z: usize,
  n: i32,
  i0: i32,
  i1: i32,
): void {
  const P = g.OH * g.OW;
  const POH = g.OH >> 1;
  const POW = g.OW >> 1;
  const r0 = i0 >> 1;
  const r1 = min(POH, i1 >> 1);
  for (let f = 0; f < g.F; f++) {
    const src = yImage + <usize>(f * P + 2 * r0 * g.OW) * 4;
    const zRow = z + <usize>(((n * g.F + f) * POH + r0) * POW) * 4;
    const bias: f32 = b != 0 ? load<f32>(b + <usize>f * 4) : 0;
    reluPool2x2Rows(zRow, POW, src, g.OW, r1 - r0, POW, bias);
  }
}

/**
 * y = s * conv(x, w) + b per filter (s, b: 0 for none), then the epilogue (EPILOGUE_RELU_POOL
 * writes z, y unused).
 */
export function conv2dForward(
  tid: i32,
  threads: i32,
  geometry: usize,
  y: usize,
  x: usize,
  w: usize,
  b: usize,
  s: usize,
  epilogue: i32,
  z: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const CG = g.C / g.groups;
  const FG = g.F / g.groups;
  const HW = g.H * g.W;
  const gemmScratch = scratch + <usize>(tid * scratchStride);
  const cols = gemmScratch + <usize>sgemmScratchBytes();
  const direct = isDirect(g);
  const P = g.OH * g.OW;
  const R = CG * g.KH * g.KW;
  const pooling = epilogue == EPILOGUE_RELU_POOL;
  const kept = cols + <usize>(R * P) * 4;
  const relu = epilogue == EPILOGUE_RELU; // taken with the bias
  // Pooling adds the bias after the maximum, unless scaled: a negative scale would turn the
  // maximum into a minimum, so then y is scaled and shifted before pooling.
  const poolBias: usize = pooling && s == 0 ? b : 0;
  const yBias: usize = pooling && s == 0 ? 0 : b;
  if (g.N >= threads) {
    // Whole images per thread.
    const n1 = shareStart(g.N, tid + 1, threads);
    for (let n = shareStart(g.N, tid, threads); n < n1; n++) {
      const yImage = pooling ? kept : y + <usize>(n * g.F * P) * 4;
      for (let grp = 0; grp < g.groups; grp++) {
        const xg = x + <usize>((n * g.C + grp * CG) * HW) * 4;
        if (!direct) im2col(cols, xg, g);
        const src = direct ? xg : cols;
        forwardBlock(g, yImage, w, yBias, s, src, P, grp, 0, FG, 0, P, gemmScratch, relu);
      }
      if (pooling) poolEpilogue(g, yImage, poolBias, z, n, 0, g.OH);
    }
  } else {
    // Fewer images than threads: each thread unrolls and computes its own band of output rows
    // (the GEMM's columns), so no thread repeats another's im2col. An output element's
    // arithmetic does not depend on which columns share its GEMM (panels are zero-padded).
    // Pooling, the bands are of row pairs (the last band takes an odd last row).
    const i0 = bandStart(g.OH, pooling, tid, threads);
    const i1 = bandStart(g.OH, pooling, tid + 1, threads);
    if (i1 <= i0) return;
    const p0 = i0 * g.OW;
    const width = (i1 - i0) * g.OW;
    for (let n = 0; n < g.N; n++) {
      const yImage = pooling ? kept : y + <usize>(n * g.F * P) * 4;
      for (let grp = 0; grp < g.groups; grp++) {
        const xg = x + <usize>((n * g.C + grp * CG) * HW) * 4;
        if (direct) {
          const band = xg + <usize>p0 * 4;
          forwardBlock(g, yImage, w, yBias, s, band, P, grp, 0, FG, p0, width, gemmScratch, relu);
        } else {
          im2colBand(cols, xg, g, 0, R, i0, i1);
          forwardBlock(
            g,
            yImage,
            w,
            yBias,
            s,
            cols,
            width,
            grp,
            0,
            FG,
            p0,
            width,
            gemmScratch,
            relu,
          );
        }
      }
      if (pooling) poolEpilogue(g, yImage, poolBias, z, n, i0, i1);
    }
  }
}

export function conv2dBackwardInput(
  tid: i32,
  threads: i32,
  geometry: usize,
  dx: usize,
  dy: usize,
  w: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const CG = g.C / g.groups;
  const FG = g.F / g.groups;
  const R = CG * g.KH * g.KW;
  const P = g.OH * g.OW;
  const HW = g.H * g.W;
  const gemmScratch = scratch + <usize>(tid * scratchStride);
  const dcols = gemmScratch + <usize>sgemmScratchBytes();
  const direct = isDirect(g);
  const n1 = shareStart(g.N, tid + 1, threads);
  for (let n = shareStart(g.N, tid, threads); n < n1; n++) {
    const dxn = dx + <usize>(n * g.C * HW) * 4;
    if (!direct) memory.fill(dxn, 0, <usize>(g.C * HW) * 4);
    for (let grp = 0; grp < g.groups; grp++) {
      const wg = w + <usize>(grp * FG * R) * 4;
      const dyg = dy + <usize>((n * g.F + grp * FG) * P) * 4;
      const dxg = dxn + <usize>(grp * CG * HW) * 4;
      if (direct) {
        sgemm(R, P, FG, wg, R, true, dyg, P, false, dxg, P, false, gemmScratch);
      } else {
        sgemm(R, P, FG, wg, R, true, dyg, P, false, dcols, P, false, gemmScratch);
        col2imAdd(dxg, dcols, g);
      }
    }
  }
}

/**
 * dw[g] = sum_n dy[n,g] * cols[n,g]^T, images added in order. Threads own whole tiles of dw, as
 * sgemmPart would split it: column tiles (rows r0..r1 of cols) when there are at least as many,
 * else row tiles (filters f0..f1). Each thread unrolls only the rows of cols its tiles read, one
 * image at a time into its own scratch, so the unrolled input never leaves the cache (a direct
 * 1x1 convolution reads x in place).
 */
export function conv2dBackwardWeight(
  tid: i32,
  threads: i32,
  geometry: usize,
  dw: usize,
  dy: usize,
  x: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const CG = g.C / g.groups;
  const FG = g.F / g.groups;
  const R = CG * g.KH * g.KW;
  const P = g.OH * g.OW;
  const HW = g.H * g.W;
  const gemmScratch = scratch + <usize>(tid * scratchStride);
  const cols = gemmScratch + <usize>sgemmScratchBytes();
  const direct = isDirect(g);
  const rowTiles = (FG + MR - 1) / MR;
  const colTiles = (R + NR - 1) / NR;
  let f0 = 0,
    f1 = FG,
    r0 = 0,
    r1 = R;
  if (colTiles >= rowTiles) {
    r0 = min(R, shareStart(colTiles, tid, threads) * NR);
    r1 = min(R, shareStart(colTiles, tid + 1, threads) * NR);
  } else {
    f0 = min(FG, shareStart(rowTiles, tid, threads) * MR);
    f1 = min(FG, shareStart(rowTiles, tid + 1, threads) * MR);
  }
  if (r1 <= r0 || f1 <= f0) return;
  for (let grp = 0; grp < g.groups; grp++) {
    const dwTile = dw + <usize>((grp * FG + f0) * R + r0) * 4;
    for (let n = 0; n < g.N; n++) {
      const xg = x + <usize>((n * g.C + grp * CG) * HW) * 4;
      let rows = cols;
      if (direct) rows = xg + <usize>(r0 * P) * 4;
      else im2colRows(cols, xg, g, r0, r1);
      const dyg = dy + <usize>((n * g.F + grp * FG + f0) * P) * 4;
      sgemm(f1 - f0, r1 - r0, P, dyg, P, false, rows, P, true, dwTile, R, n > 0, gemmScratch);
    }
  }
}

/** The sum of `count` f32 values, accumulated in four f64x2 lanes pairs and then added in order. */
@inline
function sumF32AsF64(row: usize, count: i32): f64 {
  let s0 = f64x2.splat(0),
    s1 = f64x2.splat(0),
    s2 = f64x2.splat(0),
    s3 = f64x2.splat(0);
  let p = 0;
  for (; p + 8 <= count; p += 8) {
    const v0 = v128.load(row + <usize>p * 4);
    const v1 = v128.load(row + <usize>p * 4, 16);
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v0));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v0, v0, 2, 3, 0, 1)));
    s2 = f64x2.add(s2, f64x2.promote_low_f32x4(v1));
    s3 = f64x2.add(s3, f64x2.promote_low_f32x4(i32x4.shuffle(v1, v1, 2, 3, 0, 1)));
  }
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; p < count; p++) sum += <f64>load<f32>(row + <usize>p * 4);
  return sum;
}

/** db[f] = sum over images and positions of dy[n,f,:], accumulated in f64. */
export function conv2dBackwardBias(
  tid: i32,
  threads: i32,
  geometry: usize,
  db: usize,
  dy: usize,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const P = g.OH * g.OW;
  const f1 = shareStart(g.F, tid + 1, threads);
  for (let f = shareStart(g.F, tid, threads); f < f1; f++) {
    let sum: f64 = 0;
    for (let n = 0; n < g.N; n++) sum += sumF32AsF64(dy + <usize>((n * g.F + f) * P) * 4, P);
    store<f32>(db + <usize>f * 4, <f32>sum);
  }
}
