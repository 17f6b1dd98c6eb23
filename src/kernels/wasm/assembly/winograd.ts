/**
 * 3x3, stride-1, dilation-1, one-group convolution by Winograd's F(m x m, 3 x 3), m = 2 or 4
 * (transforms: lib/winograd-transforms.ts), threaded:
 *
 *   x:(N,C,H,W) w:(F,C,3,3) b:(F) -> y:(N,F,OH,OW), output cut into m x m tiles, a = m + 2
 *
 *   U[ξ] = (G g G^T)[ξ]:(F,C)                   once per call (winogradFilters)
 *   V[ξ] = (B^T d B)[ξ]:(C,T)                    for a block of T tiles
 *   M[ξ] = U[ξ] * V[ξ]:(F,T)                     a*a GEMMs over channels (the SGEMM micro-kernel)
 *   y tile = s * A^T M A + b                     (s: a per-filter scale where given, else 1)
 *
 * Fused (an `epilogue`, lib/relu-pool.ts): ReLU on each block's output once written, or ReLU and
 * 2x2 max pooling of it into z:(N,F,OH/2,OW/2), the block's output then kept in scratch; blocks
 * start on even rows (tile rows of m = 2 or 4), so the pooling windows never straddle two.
 *
 * Its input gradient is the same convolution of dy with w flipped and transposed (filter c,
 * channel f: w[f,c,2-kh,2-kw]) and padding 2 - pad, so winogradFilters can transform w that way.
 *
 * Tiles are taken in tile rows padded to a multiple of 4 tiles (the transforms take 4 adjacent
 * tiles, one per SIMD lane); a block is some tile rows of one image, its input rows first copied
 * with their padding into a zeroed strip. U is packed in panels of 5 and 4 filters (lib/panels.ts)
 * for the 5 x 8 and 4 x 8 micro-kernels (panelKernel), V is written straight into NR-column
 * panels. Every output value is computed by one thread, from the same operations whatever the
 * blocks or the thread count: results are bitwise reproducible.
 */
import { claim } from './lib/claim';
import { ConvGeometry, roundUp, shareStart } from './lib/geometry';
import { NR, panelKernel } from './lib/micro-kernel';
import { copyPaddedRows } from './lib/padded-rows';
import { fivePanels, panelCount, panelHeight, panelledRows, panelStart } from './lib/panels';
import { positionBytes, tilePositions, uPanel, uPositionStride } from './lib/winograd-layout';
import { FILTER_TRANSFORM_TMP_BYTES, filterTransform } from './lib/winograd-filter';
import {
  inputTransform2,
  inputTransform4,
  outputTransform2,
  outputTransform4,
} from './lib/winograd-transforms';
import { EPILOGUE_RELU, EPILOGUE_RELU_POOL, reluInPlace, reluPool2x2Rows } from './lib/relu-pool';

/** Bytes of V plus M per block that blocks are sized to (they stay in L2). */
const BLOCK_BYTES: i32 = 384 * 1024;
/** Floats of per-thread room for the transforms' temporaries. */
const TMP_FLOATS: i32 = 512;

@inline
function tilesWide(g: ConvGeometry, m: i32): i32 {
  return roundUp((g.OW + m - 1) / m, 4);
}

/** Filters U and M are packed for: lib/panels.ts's panels of 5 and 4. */
@inline
function filterRows(g: ConvGeometry): i32 {
  return panelledRows(g.F);
}

/** The most tile rows a block has, whatever the threads: V and M within BLOCK_BYTES. */
function mostBlockRows(g: ConvGeometry, m: i32): i32 {
  const a = m + 2;
  const perTile = a * a * (g.C + filterRows(g)) * 4;
  return min(max(1, BLOCK_BYTES / perTile / tilesWide(g, m)), (g.OH + m - 1) / m);
}

/**
 * Tile rows per block: at most mostBlockRows; and where the batch has few blocks for the
 * threads, the block size (down to one NR panel of tiles: a block of one row of a narrow image is
 * mostly padding, an 8x12 layer's row being 4 tiles of F(4,3)) that gives the busiest thread the
 * fewest tile rows, the larger on a tie: 16 tile rows of one image in blocks of 6 rows left one
 * thread 12 rows and the other 4; in blocks of 4, each thread has 8.
 */
function blockRows(g: ConvGeometry, m: i32, threads: i32): i32 {
  const tilesH = (g.OH + m - 1) / m;
  const tilesW = tilesWide(g, m);
  const rows = mostBlockRows(g, m);
  if (g.N * ((tilesH + rows - 1) / rows) >= 4 * threads) return rows;
  const fewest = min(rows, (NR + tilesW - 1) / tilesW);
  let best = rows;
  let bestLoad = i32.MAX_VALUE;
  for (let r = rows; r >= fewest; r--) {
    const blocks = g.N * ((tilesH + r - 1) / r);
    const load = ((blocks + threads - 1) / threads) * r;
    if (load < bestLoad) {
      best = r;
      bestLoad = load;
    }
  }
  return best;
}

/**
 * Groups of filters that share one block's tiles among threads, where there are fewer blocks (of
 * `rows` tile rows, blockRows') than threads (a batch-1 8x12 or 4x6 layer is one block): each
 * group computes its filters' share of the GEMM and of the output transform, and every group
 * repeats the block's input transform, so a group keeps at least 4 panels (16 to 20 filters).
 */
function filterGroups(g: ConvGeometry, m: i32, threads: i32, rows: i32): i32 {
  const tilesH = (g.OH + m - 1) / m;
  const blocks = g.N * ((tilesH + rows - 1) / rows);
  if (blocks >= threads) return 1;
  return max(1, min((threads + blocks - 1) / blocks, panelCount(g.F, fivePanels(g.F)) / 4));
}

/** The forward's units of work, (block, filter group) pairs: the threads that can share it. */
export function winogradWorkItems(geometry: usize, m: i32, threads: i32): i32 {
  const g = changetype<ConvGeometry>(geometry);
  const tilesH = (g.OH + m - 1) / m;
  const rows = blockRows(g, m, threads);
  return g.N * ((tilesH + rows - 1) / rows) * filterGroups(g, m, threads, rows);
}

/** Bytes of the transformed filters U, shared by every thread. */
export function winogradFilterBytes(geometry: usize, m: i32): i32 {
  const g = changetype<ConvGeometry>(geometry);
  return tilePositions(m) * filterRows(g) * g.C * 4;
}

/**
 * Bytes of scratch one thread needs: the input strip, V, M and temporaries (and, pooling, the
 * block's output), for the largest blocks any thread count gives.
 */
export function winogradScratchBytes(geometry: usize, m: i32, epilogue: i32): i32 {
  const g = changetype<ConvGeometry>(geometry);
  const a = m + 2;
  const rows = mostBlockRows(g, m);
  const tiles = roundUp(rows * tilesWide(g, m), NR);
  const strip = g.C * (rows * m + 2) * (m * tilesWide(g, m) + 4);
  const pooled = epilogue == EPILOGUE_RELU_POOL ? g.F * rows * m * tilesWide(g, m) * m : 0;
  const vm = <usize>(a * a) * (positionBytes(g.C * tiles) + positionBytes(filterRows(g) * tiles));
  return (strip + TMP_FLOATS + pooled) * 4 + <i32>vm;
}

/**
 * u = the transformed filters in row panels of filters, lib/panels.ts's of 5 and 4 (zero for
 * padded filters): panel i holds h filters from f0, u[ξ][f0*C + c*h + r] = U[ξ][f0 + r, c].
 * Where panelMajor(m) (lib/winograd-layout.ts, whose uPanel reads this layout) each panel's
 * positions follow one another instead,
 * u[f0*C*positions + (ξ*C + c)*h + r], so that a panel's GEMMs read it in order. With
 * `transposed`, filter f and channel c of this geometry are channel f and filter c of w (shape
 * (C, F, 3, 3)), flipped. Threads split the panels.
 */
export function winogradFilters(
  tid: i32,
  threads: i32,
  geometry: usize,
  m: i32,
  transposed: i32,
  u: usize,
  w: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const positions = tilePositions(m);
  const C = g.C;
  const rows = filterRows(g);
  const fives = fivePanels(g.F);
  const panels = panelCount(g.F, fives);
  const tmp = scratch + <usize>(tid * scratchStride);
  const p1 = shareStart(panels, tid + 1, threads);
  for (let p = shareStart(panels, tid, threads); p < p1; p++) {
    const f0 = panelStart(p, fives);
    const h = panelHeight(p, fives);
    const stride = uPositionStride(m, rows, C, h);
    const panel = uPanel(u, m, C, f0);
    // Two filters at a time (a panel's adjacent rows, adjacent floats of u), then a last one.
    for (let r = 0; r < h; r += 2) {
      const f = f0 + r;
      const both = r + 1 < h && f + 1 < g.F;
      for (let c = 0; c < C; c++) {
        const dst = panel + <usize>(c * h + r) * 4;
        if (f < g.F) {
          const g0 = filterTaps(w, g, f, c, transposed);
          const g1 = both ? filterTaps(w, g, f + 1, c, transposed) : g0;
          const rowStep: isize = transposed != 0 ? -12 : 12;
          filterTransform(m, dst, stride, g0, g1, both, rowStep, rowStep / 3, tmp);
        }
        // The pair's rows past F (padding) are zero.
        const transformed = f >= g.F ? 0 : both ? 2 : 1;
        for (let rr = r + transformed; rr < min(h, r + 2); rr++) {
          const pad = panel + <usize>(c * h + rr) * 4;
          for (let xi = 0; xi < positions; xi++) store<f32>(pad + <usize>xi * stride, 0);
        }
      }
    }
  }
}

/**
 * Where filterTransform reads filter f's channel c: w[f, c, 0, 0], or with `transposed` (w of
 * shape (C, F, 3, 3), flipped) w[c, f, 2, 2], read backwards.
 */
@inline
function filterTaps(w: usize, g: ConvGeometry, f: i32, c: i32, transposed: i32): usize {
  if (transposed != 0) return w + <usize>((c * g.F + f) * 9 + 8) * 4;
  return w + <usize>((f * g.C + c) * 9) * 4;
}

/** Bytes of scratch one thread needs for winogradFilters. */
export function winogradFilterScratchBytes(): i32 {
  return FILTER_TRANSFORM_TMP_BYTES;
}

/**
 * V of one block, tile rows th0 .. th0 + rows of the image at `image`: its input rows copied into
 * the strip, then B^T d B for 4 tiles at a time into NR-column panels (the last panel's last 4
 * lanes zero when the tiles stop short).
 */
function inputTiles(
  v: usize,
  strip: usize,
  image: usize,
  g: ConvGeometry,
  m: i32,
  th0: i32,
  rows: i32,
  stripRows: i32,
  width: i32,
  tmp: usize,
): void {
  const a = m + 2;
  const C = g.C;
  const tilesW = tilesWide(g, m);
  const panelsB = roundUp(rows * tilesW, NR) / NR;
  const vStride = positionBytes(panelsB * C * NR);
  copyPaddedRows(
    strip,
    stripRows,
    width,
    image,
    C,
    g.H,
    g.W,
    th0 * m - g.padH,
    rows * m + 2,
    -g.padW,
  );
  for (let c = 0; c < C; c++) {
    for (let tr = 0; tr < rows; tr++) {
      for (let tw = 0; tw < tilesW; tw += 4) {
        const t = tr * tilesW + tw;
        const dst = v + <usize>(((t / NR) * C + c) * NR + (t % NR)) * 4;
        const src = strip + <usize>((c * stripRows + tr * m) * width + tw * m) * 4;
        if (m == 4) inputTransform4(dst, vStride, src, <usize>width * 4, tmp);
        else inputTransform2(dst, vStride, src, <usize>width * 4, tmp);
      }
    }
    if ((rows * tilesW) % NR != 0) {
      const dst = v + <usize>(((panelsB - 1) * C + c) * NR + 4) * 4;
      for (let xi = 0; xi < a * a; xi++) v128.store(dst + <usize>xi * vStride, f32x4.splat(0));
    }
  }
}

/**
 * y = scale * conv(x, w) + b by F(m,3) with u = winogradFilters' output, per filter; b and
 * scale may be 0 (none: 0 and 1); then the epilogue (EPILOGUE_RELU_POOL writes z, y unused).
 * Threads claim the (block, filter group) items one at a time from `next` (lib/claim.ts).
 */
export function winogradForward(
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
  const a = m + 2;
  const C = g.C;
  const F = g.F;
  const Fp = filterRows(g);
  const tilesH = (g.OH + m - 1) / m;
  const tilesW = tilesWide(g, m);
  const rows = blockRows(g, m, threads);
  const maxTiles = roundUp(rows * tilesW, NR);
  const stripRows = rows * m + 2;
  const width = m * tilesW + 4;
  const strip = scratch + <usize>(tid * scratchStride);
  const v = strip + <usize>(C * stripRows * width) * 4;
  const mm = v + <usize>(a * a) * positionBytes(C * maxTiles);
  const tmp = mm + <usize>(a * a) * positionBytes(Fp * maxTiles);
  const out = tmp + 64 * 4 * 4; // room for 64 vectors of temporaries first
  const pooling = epilogue == EPILOGUE_RELU_POOL;
  // Pooling, the block's y is kept whole tiles wide, so every group of tiles goes straight in.
  const kept = tmp + <usize>TMP_FLOATS * 4;
  const ld = pooling ? m * tilesW : g.OW; // floats from one output row to the next
  const blocksPerImage = (tilesH + rows - 1) / rows;
  // Work items are (block, filter group) pairs, block-major: a thread with several groups of one
  // block transforms its input once.
  const groups = filterGroups(g, m, threads, rows);
  const fives = fivePanels(F);
  const panels = panelCount(F, fives);
  const items = g.N * blocksPerImage * groups;
  let transformed = -1; // the block whose V this thread holds
  for (
    let item = claim(next, tid, threads, items);
    item < items;
    item = claim(next, tid, threads, items)
  ) {
    const blk = item / groups;
    const group = item % groups;
    const p0 = shareStart(panels, group, groups);
    const p1 = shareStart(panels, group + 1, groups);
    const f0 = panelStart(p0, fives);
    const fEnd = panelStart(p1, fives);
    const n = blk / blocksPerImage;
    const th0 = (blk % blocksPerImage) * rows;
    const blockRowsHere = min(rows, tilesH - th0);
    const tiles = roundUp(blockRowsHere * tilesW, NR);
    const panelsB = tiles / NR;
    const vStride = positionBytes(panelsB * C * NR);
    if (blk != transformed) {
      const image = x + <usize>(n * C * g.H * g.W) * 4;
      inputTiles(v, strip, image, g, m, th0, blockRowsHere, stripRows, width, tmp);
      transformed = blk;
    }
    // M[ξ] = U[ξ] V[ξ], rows Fp, ld tiles.
    const mStride = positionBytes(Fp * tiles);
    for (let xi = 0; xi < a * a; xi++) {
      for (let p = p0; p < p1; p++) {
        const f = panelStart(p, fives);
        const h = panelHeight(p, fives);
        const pa = uPanel(u, m, C, f) + <usize>xi * uPositionStride(m, Fp, C, h);
        const row = mm + <usize>xi * mStride + <usize>(f * tiles) * 4;
        for (let q = 0; q < panelsB; q++) {
          const pb = v + <usize>xi * vStride + <usize>(q * C * NR) * 4;
          panelKernel(h, C, pa, pb, row + <usize>(q * NR) * 4, tiles, false);
        }
      }
    }
    // y tiles = scale * A^T M A + b, 4 tiles at a time, cut at the output's edges.
    const blockHeight = min(blockRowsHere * m, g.OH - th0 * m);
    for (let f = f0; f < min(F, fEnd); f++) {
      const bias: f32 = b != 0 ? load<f32>(b + <usize>f * 4) : 0;
      const factor: f32 = scale != 0 ? load<f32>(scale + <usize>f * 4) : 1;
      // The block's first output row of this filter (in scratch when pooling).
      const base = pooling
        ? kept + <usize>(f * blockRowsHere * m * ld) * 4
        : y + <usize>(((n * F + f) * g.OH + th0 * m) * g.OW) * 4;
      for (let tr = 0; tr < blockRowsHere; tr++) {
        const i0 = tr * m; // from the block's first row
        const outRows = min(m, blockHeight - i0);
        for (let tw = 0; tw < tilesW; tw += 4) {
          const src = mm + <usize>((f * tiles + tr * tilesW + tw) * 4);
          const j0 = tw * m;
          if (j0 >= g.OW) continue;
          const cols = min(4 * m, g.OW - j0);
          const whole = pooling || (cols == 4 * m && outRows == m);
          // Whole groups go straight to y; the edges through `out`, cut to the output.
          const dst = whole ? base + <usize>(i0 * ld + j0) * 4 : out;
          const rowStride = whole ? <usize>ld * 4 : <usize>(4 * m) * 4;
          if (m == 4) outputTransform4(dst, rowStride, src, mStride, factor, bias, tmp);
          else outputTransform2(dst, rowStride, src, mStride, factor, bias);
          if (whole) continue;
          for (let i = 0; i < outRows; i++) {
            const row = base + <usize>((i0 + i) * g.OW + j0) * 4;
            const from = out + <usize>(i * 4 * m) * 4;
            for (let j = 0; j < cols; j++)
              store<f32>(row + <usize>j * 4, load<f32>(from + <usize>j * 4));
          }
        }
      }
      if (epilogue == EPILOGUE_RELU) {
        reluInPlace(base, blockHeight * g.OW);
      } else if (pooling) {
        const POH = g.OH >> 1;
        const POW = g.OW >> 1;
        const i0 = (th0 * m) >> 1;
        const rowsHere = min(POH, (th0 * m + blockHeight) >> 1) - i0;
        const zPlane = z + <usize>(((n * F + f) * POH + i0) * POW) * 4;
        reluPool2x2Rows(zPlane, POW, base, ld, rowsHere, POW, 0);
      }
    }
  }
}
