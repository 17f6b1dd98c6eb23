/**
 * Direct convolution for few input channels (small R = C*KH*KW, such as a network's first layer
 * on one or three channels), where im2col + GEMM is mostly packing: a reduction of 9 cannot keep
 * the GEMM's micro-kernel busy. Same contract as conv2d.ts's conv2dForward (one group):
 *
 *   x:(N,C,H,W) w:(F,C,KH,KW) b:(F) s:(F) -> y:(N,F,OH,OW)
 *   y[n,f,oh,ow] = s[f] * sum_t w[f,t] * band[t](oh, ow) + b[f]       (t over the R taps)
 *
 * then the epilogue (lib/relu-pool.ts): none, ReLU, or ReLU and 2x2 stride-2 max pooling into z.
 * Each thread copies the input rows its outputs read into a zero-padded band once
 * (lib/direct-band.ts), and computes blocks of two vectors of outputs for 4 filters in 8 f32x4
 * accumulators, or 5 filters in 10 (lib/direct-block.ts; the filters in lib/panels.ts's panels of
 * 5 and 4): per tap, two loads of input, the splatted filter taps, a multiply-add per
 * accumulator. A block is 8 adjacent outputs of a row where OW is a multiple of 8; elsewhere it
 * is 4 columns of two rows, so that a row such as 28 wide has no 4-wide tail block, which does
 * half the multiply-adds for the same loads and shuffles (the first layer of the seed net
 * 0.93-0.95x the time). Pooling works on a thread's band of rows kept in scratch, already
 * scaled, shifted and ReLU'd (so a negative scale is applied before the maximum), by
 * lib/direct-pool.ts.
 *
 * Threads split images, or with fewer images than threads bands of output rows (pairs when
 * pooling). Every output is computed by one thread with the same operations, whatever the band
 * or the block's shape (a row's last outputs, when OW is not a multiple of 8 or 4, are its last 4
 * or 8 again, recomputed with the same operations), so results are bitwise the same on any
 * thread count.
 */
import { claim } from './lib/claim';
import { bandStart, ConvGeometry } from './lib/geometry';
import {
  BLOCK,
  bandRows,
  packFilters,
  padBand,
  paddedFilters,
  phaseLength,
  tapOffsets,
} from './lib/direct-band';
import { poolReluRows } from './lib/direct-pool';
import { EPILOGUE_RELU, EPILOGUE_RELU_POOL } from './lib/relu-pool';
import { panelBlock, panelBlock4 } from './lib/direct-block';
import { fivePanels, panelCount, panelHeight, panelStart } from './lib/panels';

/**
 * Where a thread's scratch parts start (a record at the start of the scratch itself): packed
 * filters, bias, scale, taps, band, kept rows (pooling), a block's tail.
 */
@unmanaged
class Scratch {
  packed: usize;
  bias: usize;
  scale: usize;
  taps: usize;
  band: usize;
  kept: usize;
  tmp: usize;
}

@inline
function align16(bytes: usize): usize {
  return (bytes + 15) & ~(<usize>15);
}

/** Lays the scratch parts out from `start` (writing the record there when `write`); returns the end. */
function layout(g: ConvGeometry, start: usize, pooling: bool, write: bool): usize {
  const R = g.C * g.KH * g.KW;
  const FP = paddedFilters(g);
  const bandBytes = <usize>(g.C * bandRows(g, 0, g.OH) * g.strideW * phaseLength(g)) * 4;
  const packed = align16(start + offsetof<Scratch>());
  const bias = align16(packed + <usize>(FP * R) * 4);
  const scale = bias + <usize>FP * 4;
  const taps = align16(scale + <usize>FP * 4);
  const band = align16(taps + <usize>R * 4);
  const kept = align16(band + bandBytes);
  const tmp = align16(kept + (pooling ? <usize>(g.F * g.OH * g.OW) * 4 : 0));
  if (write) {
    const s = changetype<Scratch>(start);
    s.packed = packed;
    s.bias = bias;
    s.scale = scale;
    s.taps = taps;
    s.band = band;
    s.kept = kept;
    s.tmp = tmp;
  }
  return tmp + <usize>BLOCK * 4;
}

/** Bytes of scratch one thread needs for the direct convolution with this geometry and epilogue. */
export function conv2dDirectScratchBytes(geometry: usize, epilogue: i32): i32 {
  const g = changetype<ConvGeometry>(geometry);
  // + 16: a thread's scratch may start anywhere, and the parts are 16-byte aligned.
  return <i32>layout(g, 0, epilogue == EPILOGUE_RELU_POOL, false) + 16;
}

/**
 * Output rows [r0, r0 + rows) of the band (relative to its first row) for every filter, into dst:
 * filter f's row r at dst + (f*fStride + r*rStride) floats. Where OW is a multiple of 8, blocks of
 * 8 adjacent outputs; elsewhere, so that no block is a tail, rows in pairs by blocks of 4 columns
 * of two rows (the last 4 columns again where OW is not a multiple of 4, recomputed to the same
 * bits), and a last unpaired row by blocks of 8 and the tail below.
 */
@inline
function directRows(
  g: ConvGeometry,
  sc: Scratch,
  r0: i32,
  rows: i32,
  dst: usize,
  fStride: i32,
  rStride: i32,
  scaled: bool,
  relu: bool,
): void {
  const R = g.C * g.KH * g.KW;
  const rowBytes = <usize>(g.strideH * g.strideW * phaseLength(g)) * 4;
  const rBytes = <usize>rStride * 4;
  const fBytes = <usize>fStride * 4;
  const valid = min(g.OW, BLOCK);
  const taps = sc.taps;
  const tmp = sc.tmp;
  const fives = fivePanels(g.F);
  const panels = panelCount(g.F, fives);
  // The last 1 to 7 outputs of a row: as the last 4 or 8 (recomputing a few, to the same bits),
  // or, in a row narrower than 8, through the block's tail.
  const rest = g.OW % BLOCK;
  const lastFour = rest <= 4 && g.OW >= 4;
  const end = <usize>(g.OW - (lastFour ? 4 : valid)) * 4;
  const pairs = rest != 0 && g.OW >= 4;
  for (let r = r0; r < r0 + rows; r++) {
    const inRow = sc.band + <usize>r * rowBytes;
    const outRow = dst + <usize>((r - r0) * rStride) * 4;
    const twoRows = pairs && r + 1 < r0 + rows;
    for (let i = 0; i < panels; i++) {
      const fb = panelStart(i, fives);
      const h = panelHeight(i, fives);
      const nf = min(h, g.F - fb);
      const wp = sc.packed + <usize>(fb * R) * 4;
      const bias = sc.bias + <usize>fb * 4;
      const scale = sc.scale + <usize>fb * 4;
      const out = outRow + <usize>fb * fBytes;
      if (twoRows) {
        // Rows r and r + 1, 4 columns at a time; where OW % 4 != 0 the last block is the last 4
        // columns (those before OW - OW % 4 computed again, to the same bits).
        for (let j = 0; j < g.OW; j += 4) {
          const at = <usize>min(j, g.OW - 4) * 4;
          panelBlock(
            h,
            inRow + at,
            rowBytes,
            taps,
            R,
            wp,
            bias,
            scale,
            scaled,
            relu,
            out + at,
            rBytes,
            fBytes,
            nf,
            BLOCK,
            0,
          );
        }
        continue;
      }
      // Whole blocks apart from the tail: a constant BLOCK outputs inlines a block with no tail
      // path (one call for both, the count chosen per block, took 1.02x the forward's time).
      for (let j = 0; j + BLOCK <= g.OW; j += BLOCK) {
        const at = <usize>j * 4;
        panelBlock(
          h,
          inRow + at,
          16,
          taps,
          R,
          wp,
          bias,
          scale,
          scaled,
          relu,
          out + at,
          16,
          fBytes,
          nf,
          BLOCK,
          0,
        );
      }
      if (rest == 0) continue;
      if (lastFour) {
        panelBlock4(h, inRow + end, taps, R, wp, bias, scale, scaled, relu, out + end, fBytes, nf);
      } else {
        panelBlock(
          h,
          inRow + end,
          16,
          taps,
          R,
          wp,
          bias,
          scale,
          scaled,
          relu,
          out + end,
          16,
          fBytes,
          nf,
          valid,
          tmp,
        );
      }
    }
    if (twoRows) r++;
  }
}

/** directRows inlined once per choice of scale and ReLU, so that its inner loops do not branch. */
function outputRows(
  g: ConvGeometry,
  sc: Scratch,
  r0: i32,
  rows: i32,
  dst: usize,
  fStride: i32,
  rStride: i32,
  scaled: bool,
  relu: bool,
): void {
  if (scaled && relu) directRows(g, sc, r0, rows, dst, fStride, rStride, true, true);
  else if (scaled) directRows(g, sc, r0, rows, dst, fStride, rStride, true, false);
  else if (relu) directRows(g, sc, r0, rows, dst, fStride, rStride, false, true);
  else directRows(g, sc, r0, rows, dst, fStride, rStride, false, false);
}

/**
 * Output rows [i0, i1) of image n: into y, or with pooling, pairs of rows into scratch and then
 * their pooled row into z (i0 even; a last odd row is not pooled, so not computed).
 */
function directBand(
  g: ConvGeometry,
  sc: Scratch,
  n: i32,
  i0: i32,
  i1: i32,
  y: usize,
  x: usize,
  z: usize,
  scaled: bool,
  epilogue: i32,
): void {
  const P = g.OH * g.OW;
  padBand(sc.band, x + <usize>(n * g.C * g.H * g.W) * 4, g, i0, i1);
  tapOffsets(sc.taps, g, bandRows(g, i0, i1));
  if (epilogue != EPILOGUE_RELU_POOL) {
    const yRows = y + <usize>(n * g.F * P + i0 * g.OW) * 4;
    outputRows(g, sc, 0, i1 - i0, yRows, P, g.OW, scaled, epilogue == EPILOGUE_RELU);
    return;
  }
  // Pooling: the band's row pairs into scratch, scaled, shifted and ReLU'd, then pooled filter by
  // filter.
  const POH = g.OH >> 1;
  const POW = g.OW >> 1;
  const pairs = min(i1 >> 1, POH) - (i0 >> 1);
  if (pairs <= 0) return;
  const rows = 2 * pairs;
  outputRows(g, sc, 0, rows, sc.kept, rows * g.OW, g.OW, scaled, true);
  for (let f = 0; f < g.F; f++) {
    const zRows = z + <usize>(((n * g.F + f) * POH + (i0 >> 1)) * POW) * 4;
    const src = sc.kept + <usize>(f * rows * g.OW) * 4;
    poolReluRows(zRows, POW, src, g.OW, pairs, POW);
  }
}

/**
 * y = s * conv(x, w) + b per filter (s, b: 0 for none), then the epilogue (EPILOGUE_RELU_POOL
 * writes z, y unused). One group.
 */
export function conv2dDirectForward(
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
  next: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const pooling = epilogue == EPILOGUE_RELU_POOL;
  const base = scratch + <usize>(tid * scratchStride);
  layout(g, base, pooling, true);
  const sc = changetype<Scratch>(base);
  packFilters(sc.packed, sc.bias, sc.scale, w, b, s, g);
  const scaled = s != 0;
  if (g.N >= threads) {
    // Images claimed one at a time (lib/claim.ts).
    for (let n = claim(next, tid, threads, g.N); n < g.N; n = claim(next, tid, threads, g.N))
      directBand(g, sc, n, 0, g.OH, y, x, z, scaled, epilogue);
    return;
  }
  // Fewer images than threads: bands of output rows, of row pairs when pooling (the last band
  // takes an odd last row).
  const i0 = bandStart(g.OH, pooling, tid, threads);
  const i1 = bandStart(g.OH, pooling, tid + 1, threads);
  if (i1 <= i0) return;
  for (let n = 0; n < g.N; n++) directBand(g, sc, n, i0, i1, y, x, z, scaled, epilogue);
}
