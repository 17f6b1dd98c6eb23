/**
 * The weight gradient of a 3x3 stride-1 convolution by Winograd's F(m x m, 3 x 3) (transforms:
 * lib/winograd-grad-transforms.ts), in three threaded passes:
 *
 *   x:(N,C,H,W) dy:(N,F,OH,OW) -> dw:(F,C,3,3), a = m + 2, T tiles over the whole batch
 *
 *   1. winogradGradTransforms  V[ξ] = (B^T d B)[ξ]:(T,C) and dM[ξ] = (A dY A^T)[ξ]:(F,T), threads
 *                              sharing the tile rows; stored as the GEMM's packed panels
 *                              (dM in lib/panels.ts's panels of 5 and 4 filters, V as NR-column
 *                              panels of channels)
 *   2. winogradGradGemm        dU[ξ] = dM[ξ] * V[ξ]:(F,C) by the 5x8 and 4x8 micro-kernels
 *                              (panelKernel), threads sharing the positions ξ; the tiles are
 *                              summed in chunks of KC, in the same order on any threads
 *   3. winogradGradFilters     dw[f,c] = G^T dU[f,c] G in f64 (two channels per f64x2), threads
 *                              sharing the filters
 *
 * Tiles past the output's edges have dy = 0, so they add nothing. dw is overwritten. The host
 * runs passes 1 and 2 on chunks of about 256 tiles (whole tile rows of the batch), pass 2 adding
 * into dU after the first, so that V and dM stay in cache whatever the batch and image size: the
 * chunks depend on the geometry only, so the sums' order does too.
 */
import { ConvGeometry, roundUp, shareStart } from './lib/geometry';
import { MR5, NR, panelKernel } from './lib/micro-kernel';
import { copyPaddedRows } from './lib/padded-rows';
import { fivePanels, panelCount, panelHeight, panelledRows, panelStart } from './lib/panels';
import { scatterLanes, transpose4x4 } from './lib/simd';
import {
  filterGradTransform,
  gradOutputTransform2,
  gradOutputTransform4,
} from './lib/winograd-grad-transforms';
import { inputTransform2, inputTransform4 } from './lib/winograd-transforms';

/** Tiles summed per GEMM call: the packed panels of a chunk stay in L1 and L2. */
const KC: i32 = 256;
/** Tiles per chunk of passes 1 and 2: their V and dM, 36 x (C + F) floats a tile, stay in cache. */
const CHUNK_TILES: i32 = 256;

@inline
function tilesWide(g: ConvGeometry, m: i32): i32 {
  return roundUp((g.OW + m - 1) / m, 4);
}

/** Tile rows per chunk: about CHUNK_TILES tiles, at least one row; the geometry's only. */
export function winogradGradChunkRows(geometry: usize, m: i32): i32 {
  const g = changetype<ConvGeometry>(geometry);
  return max(1, min(g.N * ((g.OH + m - 1) / m), CHUNK_TILES / tilesWide(g, m)));
}

/** Bytes of one chunk's V, of its dM and of dU (shared blocks), by `which` = 0, 1, 2. */
export function winogradGradBytes(geometry: usize, m: i32, which: i32): i32 {
  const g = changetype<ConvGeometry>(geometry);
  const a2 = (m + 2) * (m + 2);
  const tiles = winogradGradChunkRows(geometry, m) * tilesWide(g, m);
  if (which == 0) return a2 * roundUp(g.C, NR) * tiles * 4;
  if (which == 1) return a2 * panelledRows(g.F) * tiles * 4;
  return a2 * panelledRows(g.F) * roundUp(g.C, NR) * 4;
}

/** Floats of the transforms' temporaries (inputTransform4's, the most: 36 vectors). */
const TMP_FLOATS: i32 = 36 * 4;

/**
 * Bytes of scratch one thread of pass 1 needs: an input strip, a dy strip, the transformed items
 * (a*a positions x 5 vectors), temporaries.
 */
export function winogradGradScratchBytes(geometry: usize, m: i32): i32 {
  const g = changetype<ConvGeometry>(geometry);
  const tilesW = tilesWide(g, m);
  const items = (m + 2) * (m + 2) * MR5 * 4;
  return (g.C * (m + 2) * (m * tilesW + 4) + g.F * m * m * tilesW + items + TMP_FLOATS) * 4;
}

/**
 * Pass 1: V and dM of the chunk's tiles, tile rows u0 .. u0 + rows of the batch (row u is tile
 * row u % tilesH of image u / tilesH); threads share the rows.
 */
export function winogradGradTransforms(
  tid: i32,
  threads: i32,
  geometry: usize,
  m: i32,
  u0: i32,
  rows: i32,
  v: usize,
  dm: usize,
  x: usize,
  dy: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const a = m + 2;
  const a2 = a * a;
  const C = g.C;
  const F = g.F;
  const Cp = roundUp(C, NR);
  const Fp = panelledRows(F);
  const fives = fivePanels(F);
  const panels = panelCount(F, fives);
  const tilesH = (g.OH + m - 1) / m;
  const tilesW = tilesWide(g, m);
  const T = rows * tilesW;
  const width = m * tilesW + 4;
  const dyWidth = m * tilesW;
  const strip = scratch + <usize>(tid * scratchStride);
  const dyStrip = strip + <usize>(C * a * width) * 4;
  const items = dyStrip + <usize>(F * m * dyWidth) * 4; // a*a positions x 5 items, lanes tiles
  const itemStride: usize = MR5 * 16; // from ξ to ξ + 1 in `items`
  const tmp = items + <usize>a2 * itemStride;
  const u1 = u0 + shareStart(rows, tid + 1, threads);
  for (let u = u0 + shareStart(rows, tid, threads); u < u1; u++) {
    const n = u / tilesH;
    const th = u % tilesH;
    const image = x + <usize>(n * C * g.H * g.W) * 4;
    copyPaddedRows(strip, a, width, image, C, g.H, g.W, th * m - g.padH, a, -g.padW);
    const dyImage = dy + <usize>(n * F * g.OH * g.OW) * 4;
    copyPaddedRows(dyStrip, m, dyWidth, dyImage, F, g.OH, g.OW, th * m, m, 0);
    for (let tw = 0; tw < tilesW; tw += 4) {
      const t = (u - u0) * tilesW + tw;
      // V, 4 channels at a time: panel c/NR, tile t, lane c % NR.
      for (let c0 = 0; c0 < Cp; c0 += 4) {
        for (let k = 0; k < 4; k++) {
          const c = c0 + k;
          const into = items + <usize>k * 16;
          if (c >= C) {
            for (let xi = 0; xi < a2; xi++)
              v128.store(into + <usize>xi * itemStride, f32x4.splat(0));
            continue;
          }
          const src = strip + <usize>(c * a * width + tw * m) * 4;
          if (m == 4) inputTransform4(into, itemStride, src, <usize>width * 4, tmp);
          else inputTransform2(into, itemStride, src, <usize>width * 4, tmp);
        }
        // Lane l of item k is tile l's: transposed, tile l's 4 items go NR floats apart.
        for (let xi = 0; xi < a2; xi++) {
          const at = v + <usize>((((xi * Cp) / NR + c0 / NR) * T + t) * NR + (c0 % NR)) * 4;
          transpose4x4(at, items + <usize>xi * itemStride, 16, <usize>NR * 4);
        }
      }
      // dM, a panel of h = 5 or 4 filters at a time: tile t's h floats, lane k = filter fb + k.
      for (let i = 0; i < panels; i++) {
        const fb = panelStart(i, fives);
        const h = panelHeight(i, fives);
        for (let k = 0; k < h; k++) {
          const f = fb + k;
          const into = items + <usize>k * 16;
          if (f >= F) {
            for (let xi = 0; xi < a2; xi++)
              v128.store(into + <usize>xi * itemStride, f32x4.splat(0));
            continue;
          }
          const src = dyStrip + <usize>(f * m * dyWidth + tw * m) * 4;
          if (m == 4) gradOutputTransform4(into, itemStride, src, <usize>dyWidth * 4, tmp);
          else gradOutputTransform2(into, itemStride, src, <usize>dyWidth * 4, tmp);
        }
        // Lane l of item k is tile l's: transposed, tile l's h items go h floats apart (the
        // fifth, of a panel of 5, after the 4x4 transpose of the first four).
        for (let xi = 0; xi < a2; xi++) {
          const at = dm + <usize>(((xi * Fp + fb) * T + t * h) * 4);
          const from = items + <usize>xi * itemStride;
          transpose4x4(at, from, 16, <usize>h * 4);
          if (h == MR5) scatterLanes(at + 16, <usize>h * 4, v128.load(from, 64));
        }
      }
    }
  }
}

/** Pass 2: dU[ξ] (+)= dM[ξ] V[ξ], rows panelledRows(F), ld Cp; threads share the positions ξ. */
export function winogradGradGemm(
  tid: i32,
  threads: i32,
  geometry: usize,
  m: i32,
  rows: i32,
  accumulate: i32,
  du: usize,
  dm: usize,
  v: usize,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const a2 = (m + 2) * (m + 2);
  const Cp = roundUp(g.C, NR);
  const Fp = panelledRows(g.F);
  const fives = fivePanels(g.F);
  const panels = panelCount(g.F, fives);
  const T = rows * tilesWide(g, m);
  const x1 = shareStart(a2, tid + 1, threads);
  for (let xi = shareStart(a2, tid, threads); xi < x1; xi++) {
    for (let k0 = 0; k0 < T; k0 += KC) {
      const kc = min(KC, T - k0);
      for (let i = 0; i < panels; i++) {
        const fb = panelStart(i, fives);
        const h = panelHeight(i, fives);
        const pa = dm + <usize>(((xi * Fp + fb) * T + k0 * h) * 4);
        for (let q = 0; q < Cp; q += NR) {
          const pb = v + <usize>((((xi * Cp + q) / NR) * T + k0) * NR) * 4;
          const acc = k0 > 0 || accumulate != 0;
          panelKernel(h, kc, pa, pb, du + <usize>((xi * Fp + fb) * Cp + q) * 4, Cp, acc);
        }
      }
    }
  }
}

/** Pass 3: dw[f,c] = G^T dU[f,c] G; threads share the filters. */
export function winogradGradFilters(
  tid: i32,
  threads: i32,
  geometry: usize,
  m: i32,
  dw: usize,
  du: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const Cp = roundUp(g.C, NR);
  const Fp = panelledRows(g.F);
  const tmp = scratch + <usize>(tid * scratchStride);
  const stride = <usize>(Fp * Cp) * 4; // from ξ to ξ + 1
  const f1 = shareStart(g.F, tid + 1, threads);
  for (let f = shareStart(g.F, tid, threads); f < f1; f++) {
    // Two channels at a time: adjacent floats of dU (padded to Cp, so c + 1 is always there).
    for (let c = 0; c < g.C; c += 2) {
      const dst = dw + <usize>((f * g.C + c) * 9) * 4;
      filterGradTransform(m, dst, du + <usize>(f * Cp + c) * 4, stride, c + 1 < g.C, tmp);
    }
  }
}
