/**
 * 3x3, stride-1, dilation-1, one-group convolution by Winograd's F(5 x 5, 3 x 3) or F(5 x 7, 3 x 3)
 * with SIMD lanes across images (transforms: lib/winograd5-transforms.ts), threaded:
 *
 *   x:(N,C,H,W) w:(F,C,3,3) b:(F) -> y:(N,F,OH,OW), output cut into 5 x mw tiles (tile code
 *   m = 5: mw = 5; m = 57: mw = 7), patches 7 x (mw + 2)
 *
 *   U[ξ] = (G g G^T)[ξ]:(F,C)        winograd.ts's winogradFilters with the same m, in panels
 *                                    of 5 and 4 filters (lib/panels.ts), panel by panel
 *   V[ξ] = (B^T d B)[ξ]:(C, 8T)      for a block of T tiles of 8 images
 *   M[ξ] = U[ξ] V[ξ]:(F, 8T)         49 or 63 GEMMs over channels (panelKernel)
 *   y tile = s * A^T M A + b         then the epilogue (lib/relu-pool.ts's semantics)
 *
 * Why lanes across images: winograd.ts puts four adjacent tiles of a row in a vector, so a row's
 * tiles are padded to a multiple of four, and a 14x14 output takes F(4,3) as 4x4 tiles: 576
 * transformed positions an image. F(5,3) covers it with 3x3 tiles, 441 positions, and F(5 x 7)
 * with 3x2 tiles, 378: 23% and 34% fewer multiplies in the GEMM, most of the layer's time. With
 * four images in a vector any number of tiles fills the lanes: each channel's input rows are
 * copied into a strip interleaved by image (a vector holds four images' x[c][h][w]), so that the
 * transforms are plain vector arithmetic, and outputs go back by 4x4 transposes (after pooling,
 * where the epilogue pools).
 *
 * A block is some tile rows of an octet of images, two vectors: tile t's GEMM columns 8t .. 8t+7
 * (one NR-wide panel) are images 8o .. 8o+7; images past N are zero lanes, never written. Per
 * filter panel (5 or 4 filters, lib/panels.ts) the block's GEMMs go to a small M, transformed
 * back at once while in cache. Each output value comes from one thread by the same operations
 * whatever the blocks or the thread count (a GEMM column's sum does not depend on its
 * neighbours): bitwise reproducible.
 */
import { claim } from './lib/claim';
import { ConvGeometry, roundUp } from './lib/geometry';
import { MR5, NR, panelKernel } from './lib/micro-kernel';
import { fivePanels, panelCount, panelHeight, panelledRows, panelStart } from './lib/panels';
import { EPILOGUE_RELU, EPILOGUE_RELU_POOL } from './lib/relu-pool';
import { firstMax, reluOf, storeTransposed } from './lib/simd';
import {
  positionBytes,
  tilePositions,
  tileWidth,
  uPanel,
  uPositionStride,
} from './lib/winograd-layout';
import { inputTransform5, outputTransform5 } from './lib/winograd5-transforms';

/** Tiles are 5 rows high (F(5,3) down the columns); m = 5 or 57 sets their width (5 or 7). */
const M5: i32 = 5;
/** Bytes of V per block that blocks are sized to (V stays in L2; M, per panel, in L1). */
const V_BYTES: i32 = 320 * 1024;
/** Vectors of per-thread room for the transforms' temporaries. */
const TMP_VECTORS: i32 = 64;

@inline
function tilesHigh(g: ConvGeometry): i32 {
  return (g.OH + M5 - 1) / M5;
}

@inline
function tilesWide(g: ConvGeometry, m: i32): i32 {
  return (g.OW + tileWidth(m) - 1) / tileWidth(m);
}

/**
 * Columns of padding before x's first column in a strip: padW rounded up to 4, so that the
 * strip's groups of 4 columns are x's (whole vector loads from x's rows).
 */
@inline
function stripLead(g: ConvGeometry): i32 {
  return roundUp(g.padW, 4);
}

/** Vectors of a strip row: the lead, and the tiles' columns and the two they overlap, to 4. */
@inline
function stripWidth(g: ConvGeometry, m: i32): i32 {
  return roundUp(stripLead(g) - g.padW + tilesWide(g, m) * tileWidth(m) + 2, 4);
}

/**
 * Tile rows per block: V within V_BYTES, and with pooling an even number (or all), so that a
 * block starts on an even output row and the pooling windows never straddle two blocks.
 */
function blockRows(g: ConvGeometry, m: i32, epilogue: i32): i32 {
  const perRow = tilePositions(m) * tilesWide(g, m) * g.C * NR * 4;
  const tilesH = tilesHigh(g);
  let rows = min(max(1, V_BYTES / perRow), tilesH);
  if (epilogue == EPILOGUE_RELU_POOL && rows < tilesH) rows = max(2, rows & ~1);
  return min(rows, tilesH);
}

/** The forward's units of work, blocks: (octet of images, tile rows). */
export function winograd5WorkItems(geometry: usize, m: i32, epilogue: i32): i32 {
  const g = changetype<ConvGeometry>(geometry);
  const rows = blockRows(g, m, epilogue);
  return ((g.N + 7) / 8) * ((tilesHigh(g) + rows - 1) / rows);
}

/** A thread's scratch parts, in order (scratchPart). */
const STRIP: i32 = 0; // the block's strip, both halves: 2 x stripRows x stripWidth vectors
const V: i32 = 1; // the block's V, positions x (tiles x C x NR) floats
const M: i32 = 2; // a filter panel's M, positions x (5 x tiles x NR) floats
const OUT: i32 = 3; // the block's output, both halves: 2 x rows*M5 x outW vectors
const POOLED_ROW: i32 = 4; // one pooled row, outW vectors (outW = tilesW x tile width)
const SINK: i32 = 5; // where lanes past N are written, outW + 8 floats
const TMP: i32 = 6; // the transforms' temporaries, TMP_VECTORS vectors
const END: i32 = 7;

/**
 * Bytes from a thread's scratch to part `which` (END: the bytes it needs), for blocks of `rows`
 * tile rows: the one layout that winograd5ScratchBytes sizes and winograd5Forward uses.
 */
function scratchPart(g: ConvGeometry, m: i32, rows: i32, which: i32): usize {
  const tiles = rows * tilesWide(g, m);
  const outW = tilesWide(g, m) * tileWidth(m);
  const positions = <usize>tilePositions(m);
  let at: usize = 0;
  if (which == STRIP) return at;
  at += <usize>(2 * (rows * M5 + 2) * stripWidth(g, m)) * 16;
  if (which == V) return at;
  at += positions * positionBytes(tiles * g.C * NR);
  if (which == M) return at;
  at += positions * positionBytes(MR5 * tiles * NR);
  if (which == OUT) return at;
  at += <usize>(2 * rows * M5 * outW) * 16;
  if (which == POOLED_ROW) return at;
  at += <usize>outW * 16;
  if (which == SINK) return at;
  at += <usize>(outW + 8) * 4;
  if (which == TMP) return at;
  return at + <usize>TMP_VECTORS * 16;
}

/** Bytes of scratch one thread needs (scratchPart's parts). */
export function winograd5ScratchBytes(geometry: usize, m: i32, epilogue: i32): i32 {
  const g = changetype<ConvGeometry>(geometry);
  return <i32>scratchPart(g, m, blockRows(g, m, epilogue), END);
}

/**
 * Columns q*4 .. q*4 + 3 of an x row of W floats at `row`, zero past W: one load, or where the
 * row ends inside the group, its last 4 floats shifted down (float by float if W < 4).
 */
@inline
function rowGroup(row: usize, q: i32, W: i32): v128 {
  const left = W - q * 4; // floats of the row in the group
  if (left >= 4) return v128.load(row + <usize>(q * 4) * 4);
  if (W < 4) {
    let v = f32x4.splat(0);
    if (left > 0) v = f32x4.replace_lane(v, 0, load<f32>(row + <usize>(q * 4) * 4));
    if (left > 1) v = f32x4.replace_lane(v, 1, load<f32>(row + <usize>(q * 4 + 1) * 4));
    if (left > 2) v = f32x4.replace_lane(v, 2, load<f32>(row + <usize>(q * 4 + 2) * 4));
    return v;
  }
  const last = v128.load(row + <usize>(W - 4) * 4);
  const zero = f32x4.splat(0);
  if (left == 1) return v128.shuffle<f32>(last, zero, 3, 4, 4, 4);
  if (left == 2) return v128.shuffle<f32>(last, zero, 2, 3, 4, 4);
  return v128.shuffle<f32>(last, zero, 1, 2, 3, 4);
}

/** Zero vectors from `from` up to `to`. */
@inline
function storeZeros(from: usize, to: usize): void {
  for (let at = from; at < to; at += 16) v128.store(at, f32x4.splat(0));
}

/**
 * Channel c's strip of the block, both halves of the octet: strip[h][r][j] = four images'
 * x[c][h0 + r][j - lead] (lead = stripLead: zero outside the planes and for images past N),
 * `width` vectors a row: each group of 4 columns is a 4x4 transpose of the four images' rows.
 */
function interleaveStrip(
  strip: usize,
  x: usize,
  g: ConvGeometry,
  n0: i32,
  c: i32,
  h0: i32,
  stripRows: i32,
  width: i32,
): void {
  const lead = stripLead(g) / 4; // groups of padding first
  const whole = g.W / 4; // groups of 4 of x's columns
  const groups = (g.W + 3) / 4; // and with a last partial one
  const rowBytes = <usize>width * 16;
  const plane = <usize>(g.C * g.H * g.W) * 4; // from one image to the next
  const zero = f32x4.splat(0);
  for (let half = 0; half < 2; half++) {
    const first = n0 + half * 4;
    const lanes = g.N - first; // images of the half (4 or more: all)
    for (let r = 0; r < stripRows; r++) {
      const h = h0 + r;
      const dst = strip + <usize>(half * stripRows + r) * rowBytes;
      if (h < 0 || h >= g.H || lanes <= 0) {
        storeZeros(dst, dst + rowBytes);
        continue;
      }
      const row0 = x + <usize>(((first * g.C + c) * g.H + h) * g.W) * 4;
      let at = dst + <usize>lead * 64;
      storeZeros(dst, at);
      let q = 0;
      if (lanes >= 4) {
        // Whole groups of four images: one 4x4 transpose each.
        for (let from = row0; q < whole; q++, at += 64, from += 16) {
          storeTransposed(
            at,
            at + 16,
            at + 32,
            at + 48,
            v128.load(from),
            v128.load(from + plane),
            v128.load(from + 2 * plane),
            v128.load(from + 3 * plane),
          );
        }
      }
      for (; q < groups; q++, at += 64) {
        const v0 = rowGroup(row0, q, g.W);
        const v1 = lanes > 1 ? rowGroup(row0 + plane, q, g.W) : zero;
        const v2 = lanes > 2 ? rowGroup(row0 + 2 * plane, q, g.W) : zero;
        const v3 = lanes > 3 ? rowGroup(row0 + 3 * plane, q, g.W) : zero;
        storeTransposed(at, at + 16, at + 32, at + 48, v0, v1, v2, v3);
      }
      storeZeros(at, dst + rowBytes);
    }
  }
}

/**
 * Four images' rows of one plane from interleaved vectors: lane l's values j < count of `src`
 * (vector j at src + j*16) go to rows0 + l*rowDelta + j*4, for the first `lanes` lanes (the
 * images before N); the others' groups of four go to `sink` (count + 4 floats). `tmp`: a vector.
 */
function deinterleaveRow(
  rows0: usize,
  rowDelta: usize,
  lanes: i32,
  src: usize,
  count: i32,
  sink: usize,
  tmp: usize,
): void {
  const r1 = lanes > 1 ? rows0 + rowDelta : sink;
  const r2 = lanes > 2 ? rows0 + 2 * rowDelta : sink;
  const r3 = lanes > 3 ? rows0 + 3 * rowDelta : sink;
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const at = src + <usize>j * 16;
    const o = <usize>j * 4;
    storeTransposed(
      rows0 + o,
      r1 + o,
      r2 + o,
      r3 + o,
      v128.load(at),
      v128.load(at, 16),
      v128.load(at, 32),
      v128.load(at, 48),
    );
  }
  for (; j < count; j++) {
    v128.store(tmp, v128.load(src + <usize>j * 16));
    for (let lane = 0; lane < lanes; lane++)
      store<f32>(rows0 + <usize>lane * rowDelta + <usize>j * 4, load<f32>(tmp + <usize>lane * 4));
  }
}

/**
 * V of one block, images n0 .. n0 + 7 and tile rows th0 .. th0 + rows: per channel, its strip,
 * then B^T d B of every tile, both halves, straight into the tiles' NR-column panels.
 */
function transformBlock(
  v: usize,
  strip: usize,
  x: usize,
  g: ConvGeometry,
  m: i32,
  n0: i32,
  th0: i32,
  rows: i32,
  tmp: usize,
): void {
  const tilesW = tilesWide(g, m);
  const mw = tileWidth(m);
  const tiles = rows * tilesW;
  const width = stripWidth(g, m);
  const stripRows = rows * M5 + 2;
  const vStride = positionBytes(tiles * g.C * NR);
  const lead = stripLead(g) - g.padW; // the strip column of x's column -padW
  for (let c = 0; c < g.C; c++) {
    interleaveStrip(strip, x, g, n0, c, th0 * M5 - g.padH, stripRows, width);
    for (let half = 0; half < 2; half++) {
      const halfStrip = strip + <usize>(half * stripRows * width) * 16;
      for (let t = 0; t < tiles; t++) {
        const src =
          halfStrip + <usize>(((t / tilesW) * M5 * width + lead + (t % tilesW) * mw) * 16);
        const dst = v + <usize>((t * g.C + c) * NR + half * 4) * 4;
        inputTransform5(dst, vStride, src, <usize>width * 16, tmp, mw);
      }
    }
  }
}

/**
 * Filter f's output rows of one half of the block (four images from `first`, `lanes` of them
 * before N), interleaved at `out` (outW vectors a row, from output row th0*M5): through the
 * epilogue into y, or pooled into z (the block starts on an even row).
 */
function writeBack(
  g: ConvGeometry,
  out: usize,
  outW: i32,
  f: i32,
  first: i32,
  lanes: i32,
  th0: i32,
  height: i32,
  epilogue: i32,
  y: usize,
  z: usize,
  pooledRow: usize,
  sink: usize,
  tmp: usize,
): void {
  const r0 = th0 * M5; // the block's first output row
  if (epilogue != EPILOGUE_RELU_POOL) {
    const yDelta = <usize>(g.F * g.OH * g.OW) * 4; // from one image to the next
    for (let i = 0; i < height; i++) {
      const src = out + <usize>(i * outW) * 16;
      if (epilogue == EPILOGUE_RELU) {
        for (let j = 0; j < g.OW; j++) {
          const at = src + <usize>j * 16;
          v128.store(at, reluOf(v128.load(at)));
        }
      }
      const yRow = y + <usize>(((first * g.F + f) * g.OH + r0 + i) * g.OW) * 4;
      deinterleaveRow(yRow, yDelta, lanes, src, g.OW, sink, tmp);
    }
    return;
  }
  const POH = g.OH >> 1;
  const POW = g.OW >> 1;
  const zDelta = <usize>(g.F * POH * POW) * 4;
  for (let i = r0 >> 1; i < min(POH, (r0 + height) >> 1); i++) {
    const top = out + <usize>((2 * i - r0) * outW) * 16;
    const bottom = top + <usize>outW * 16;
    for (let j = 0; j < POW; j++) {
      const at = <usize>(2 * j) * 16;
      const left = firstMax(v128.load(top + at), v128.load(bottom + at));
      const right = firstMax(v128.load(top + at, 16), v128.load(bottom + at, 16));
      v128.store(pooledRow + <usize>j * 16, reluOf(firstMax(left, right)));
    }
    const zRow = z + <usize>(((first * g.F + f) * POH + i) * POW) * 4;
    deinterleaveRow(zRow, zDelta, lanes, pooledRow, POW, sink, tmp);
  }
}

/**
 * y = scale * conv(x, w) + b by tile code m (5 or 57) with u = winogradFilters' output for the
 * same m, per filter; b and scale may be 0 (none: 0 and 1); then the epilogue (EPILOGUE_RELU_POOL writes z, y unused).
 * Threads claim the blocks one at a time from `next` (lib/claim.ts).
 */
export function winograd5Forward(
  tid: i32,
  threads: i32,
  geometry: usize,
  m: i32,
  y: usize,
  x: usize,
  u: usize,
  b: usize,
  scale: usize,
  epilogue: i32,
  z: usize,
  next: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const C = g.C;
  const fives = fivePanels(g.F);
  const panels = panelCount(g.F, fives);
  const mw = tileWidth(m);
  const positions = tilePositions(m);
  const tilesH = tilesHigh(g);
  const tilesW = tilesWide(g, m);
  const rows = blockRows(g, m, epilogue);
  const outW = tilesW * mw; // the block's output, whole tiles
  const base = scratch + <usize>(tid * scratchStride);
  const strip = base + scratchPart(g, m, rows, STRIP);
  const v = base + scratchPart(g, m, rows, V);
  const mm = base + scratchPart(g, m, rows, M);
  const out = base + scratchPart(g, m, rows, OUT);
  const pooledRow = base + scratchPart(g, m, rows, POOLED_ROW);
  const sink = base + scratchPart(g, m, rows, SINK);
  const tmp = base + scratchPart(g, m, rows, TMP);
  const outHalf = <usize>(rows * M5 * outW) * 16; // bytes of one half's output
  const blocksPerImage = (tilesH + rows - 1) / rows;
  const blocks = ((g.N + 7) / 8) * blocksPerImage;
  for (
    let blk = claim(next, tid, threads, blocks);
    blk < blocks;
    blk = claim(next, tid, threads, blocks)
  ) {
    const n0 = (blk / blocksPerImage) * 8;
    const th0 = (blk % blocksPerImage) * rows;
    const rowsHere = min(rows, tilesH - th0);
    const tiles = rowsHere * tilesW;
    const vStride = positionBytes(tiles * C * NR);
    const mStride = positionBytes(MR5 * tiles * NR);
    const height = min(rowsHere * M5, g.OH - th0 * M5); // output rows of the block
    transformBlock(v, strip, x, g, m, n0, th0, rowsHere, tmp);
    for (let i = 0; i < panels; i++) {
      // M[ξ] = U[ξ] V[ξ] for the panel's h filters from p: h rows of tiles*NR columns.
      const p = panelStart(i, fives);
      const h = panelHeight(i, fives);
      const panel = uPanel(u, m, C, p);
      const uStep = uPositionStride(m, panelledRows(g.F), C, h);
      for (let xi = 0; xi < positions; xi++) {
        const pa = panel + <usize>xi * uStep;
        const row = mm + <usize>xi * mStride;
        const pb = v + <usize>xi * vStride;
        const ldm = tiles * NR;
        for (let t = 0; t < tiles; t++) {
          const at = <usize>(t * NR) * 4;
          panelKernel(h, C, pa, pb + <usize>(t * C * NR) * 4, row + at, ldm, false);
        }
      }
      for (let f = p; f < min(g.F, p + h); f++) {
        const bias: f32 = b != 0 ? load<f32>(b + <usize>f * 4) : 0;
        const factor: f32 = scale != 0 ? load<f32>(scale + <usize>f * 4) : 1;
        const mRow = mm + <usize>((f - p) * tiles * NR) * 4;
        for (let half = 0; half < 2; half++) {
          const lanes = min(4, g.N - n0 - half * 4);
          if (lanes <= 0) continue;
          const dst = out + <usize>half * outHalf;
          for (let t = 0; t < tiles; t++) {
            const at = dst + <usize>(((t / tilesW) * M5 * outW + (t % tilesW) * mw) * 16);
            const src = mRow + <usize>(t * NR + half * 4) * 4;
            outputTransform5(at, <usize>outW * 16, src, mStride, factor, bias, tmp, mw);
          }
          const first = n0 + half * 4; // the half's first image
          writeBack(
            g,
            dst,
            outW,
            f,
            first,
            lanes,
            th0,
            height,
            epilogue,
            y,
            z,
            pooledRow,
            sink,
            tmp,
          );
        }
      }
    }
  }
}
