/**
 * The operands of the direct convolution (conv2d-direct.ts), laid out so that every tap of a
 * block of 8 adjacent outputs is two contiguous f32x4 loads:
 *
 *   band[c][r][q][i] = x[c, pr0 + r - padH, i*SW + q - padW]   (0 outside the image)
 *
 * one padded input row per channel c and band row r, split into its SW column phases q (a
 * strided row as SW contiguous ones): output column ow of tap (kh, kw) reads padded column
 * ow*SW + kw*DW, which is phase (kw*DW) % SW at index ow + (kw*DW) / SW.
 *
 *   taps[t], t = (c*KH + kh)*KW + kw: that tap's byte offset from an output row's start in band
 *   packed: the filters' taps in panels of 5 and 4 filters side by side (packFilters)
 */
import { ConvGeometry } from './geometry';
import { paddedRun } from './padded-rows';
import { fivePanels, panelCount, panelHeight, panelledRows, panelStart } from './panels';

/** Outputs per block: two f32x4. */
export const BLOCK: i32 = 8;

/** Floats per phase row: the block reads 8 outputs from any start up to max(OW, 8) - 8. */
@inline
export function phaseLength(g: ConvGeometry): i32 {
  return max(g.OW, BLOCK) + ((g.KW - 1) * g.dilationW) / g.strideW;
}

/** Padded input rows that output rows [i0, i1) read. */
@inline
export function bandRows(g: ConvGeometry, i0: i32, i1: i32): i32 {
  return (i1 - 1 - i0) * g.strideH + (g.KH - 1) * g.dilationH + 1;
}

/** Filters packed: lib/panels.ts's panels of 5 and 4 (a multiple of four where they pad). */
@inline
export function paddedFilters(g: ConvGeometry): i32 {
  return panelledRows(g.F);
}

/** The band of output rows [i0, i1) of the image at `image` (its C planes), into `band`. */
export function padBand(band: usize, image: usize, g: ConvGeometry, i0: i32, i1: i32): void {
  const rows = bandRows(g, i0, i1);
  const L = phaseLength(g);
  const SW = g.strideW;
  const pr0 = i0 * g.strideH;
  for (let c = 0; c < g.C; c++) {
    for (let r = 0; r < rows; r++) {
      const ih = pr0 + r - g.padH;
      const inside = ih >= 0 && ih < g.H;
      const src = image + <usize>((c * g.H + ih) * g.W) * 4;
      if (SW == 1) {
        // One phase: zeros, then the row's W floats at column padW (those inside [0, L)).
        const dst = band + <usize>((c * rows + r) * L) * 4;
        const j0 = min(L, max(0, g.padW));
        const j1 = max(j0, min(L, g.W + g.padW));
        const shifted = src - <usize>g.padW * 4; // band column j is the row's column j - padW
        paddedRun(dst, L, shifted, inside ? j0 : 0, inside ? j1 : 0);
        continue;
      }
      for (let q = 0; q < SW; q++) {
        const dst = band + <usize>(((c * rows + r) * SW + q) * L) * 4;
        for (let i = 0; i < L; i++) {
          const col = i * SW + q - g.padW;
          const v: f32 = inside && col >= 0 && col < g.W ? load<f32>(src + <usize>col * 4) : 0;
          store<f32>(dst + <usize>i * 4, v);
        }
      }
    }
  }
}

/** taps[t]: byte offsets of each tap from an output row's start, for a band of `rows` rows. */
export function tapOffsets(taps: usize, g: ConvGeometry, rows: i32): void {
  const L = phaseLength(g);
  const SW = g.strideW;
  for (let c = 0; c < g.C; c++) {
    for (let kh = 0; kh < g.KH; kh++) {
      for (let kw = 0; kw < g.KW; kw++) {
        const t = (c * g.KH + kh) * g.KW + kw;
        const across = kw * g.dilationW;
        const row = (c * rows + kh * g.dilationH) * SW + (across % SW);
        store<i32>(taps + <usize>t * 4, (row * L + across / SW) * 4);
      }
    }
  }
}

/**
 * The filters in lib/panels.ts's panels of 5 and 4: panel i of h filters from fb is
 * packed[fb*R + t*h + k] = w[fb + k, t] (w:(F, R)), zero for filters past F; bias[f] = b[f] (0
 * without b) and scale[f] = s[f] (1 without s), over the padded filter count.
 */
export function packFilters(
  packed: usize,
  bias: usize,
  scale: usize,
  w: usize,
  b: usize,
  s: usize,
  g: ConvGeometry,
): void {
  const R = g.C * g.KH * g.KW;
  const fives = fivePanels(g.F);
  for (let i = 0; i < panelCount(g.F, fives); i++) {
    const fb = panelStart(i, fives);
    const h = panelHeight(i, fives);
    for (let k = 0; k < h; k++) {
      const f = fb + k;
      for (let t = 0; t < R; t++) {
        const v: f32 = f < g.F ? load<f32>(w + <usize>(f * R + t) * 4) : 0;
        store<f32>(packed + <usize>(fb * R + t * h + k) * 4, v);
      }
      store<f32>(bias + <usize>f * 4, f < g.F && b != 0 ? load<f32>(b + <usize>f * 4) : 0);
      store<f32>(scale + <usize>f * 4, f < g.F && s != 0 ? load<f32>(s + <usize>f * 4) : 1);
    }
  }
}
