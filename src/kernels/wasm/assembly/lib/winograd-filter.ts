/**
 * Winograd's filter transform U = G_h g G_w^T for every tile (F(2,3), F(4,3), F(5,3), F(5 x 7)),
 * in f64 and rounded once to f32, two filters at a time in the lanes of an f64x2 (each lane the
 * same multiplies and adds in the same order as one filter alone: the same bits); and the tables
 * of G, also read by the weight gradient's G^T dU G (lib/winograd-grad-transforms.ts). The G of
 * each tile is stated with its points in lib/winograd-transforms.ts and lib/winograd5-transforms.ts.
 */
import { tileHeight, tileWidth } from './winograd-layout';

/** G of F(2,3), (4,3) row-major, and of F(4,3), (6,3): static tables read by every thread. */
const G2 = memory.data<f64>([1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1]);
const G4 = memory.data<f64>([
  0.25,
  0,
  0,
  -1.0 / 6,
  -1.0 / 6,
  -1.0 / 6,
  -1.0 / 6,
  1.0 / 6,
  -1.0 / 6,
  1.0 / 24,
  1.0 / 12,
  1.0 / 6,
  1.0 / 24,
  -1.0 / 12,
  1.0 / 6,
  0,
  0,
  1,
]);

/** G of F(5,3), (7,3) (lib/winograd5-transforms.ts). */
const G5 = memory.data<f64>([
  0.25,
  0,
  0,
  -1.0 / 6,
  -1.0 / 6,
  -1.0 / 6,
  1.0 / 18,
  -1.0 / 18,
  1.0 / 18,
  1.0 / 72,
  1.0 / 36,
  1.0 / 18,
  -1.0 / 120,
  1.0 / 60,
  -1.0 / 30,
  32.0 / 45,
  16.0 / 45,
  8.0 / 45,
  0,
  0,
  0.5,
]);

/**
 * G of F(7,3), (9,3), for B^T's unscaled rows (lib/winograd5-transforms.ts' bt7): points 0, 1, -1,
 * 2, -2, 1/2, -1/2, 1/4, ∞; row j is (1, p_j, p_j²) / prod_{k≠j} (p_j - p_k).
 */
const G7 = memory.data<f64>([
  4,
  0,
  0,
  -8.0 / 27,
  -8.0 / 27,
  -8.0 / 27,
  8.0 / 45,
  -8.0 / 45,
  8.0 / 45,
  2.0 / 315,
  4.0 / 315,
  8.0 / 315,
  -2.0 / 405,
  4.0 / 405,
  -8.0 / 405,
  128.0 / 45,
  64.0 / 45,
  32.0 / 45,
  -128.0 / 135,
  64.0 / 135,
  -32.0 / 135,
  -16384.0 / 2835,
  -4096.0 / 2835,
  -1024.0 / 2835,
  0,
  0,
  1,
]);

/** The G table (a x 3, row-major f64) of the 1-D tile size m (2, 4, 5 or 7). */
@inline
export function gTable(m: i32): usize {
  return m == 7 ? G7 : m == 5 ? G5 : m == 4 ? G4 : G2;
}

/** Bytes of `tmp` filterTransform needs: 3(tileHeight + 2) f64x2, for the tallest tile. */
export const FILTER_TRANSFORM_TMP_BYTES: i32 = 3 * 7 * 16;

/**
 * U = G_h g G_w^T for filters g0 and g1 (G_h, G_w: the tile's height's and width's G, tileHeight
 * and tileWidth of m), g read as g[kh][kw] = load(w + kh*rowStep + kw*colStep) (negative steps
 * flip it), in f64: U's position ξ = i*(tileWidth + 2) + k of g0 is stored at dst + ξ*stride and
 * of g1 at the next float, where `both`; g1 is computed and not stored otherwise (pass g0 twice).
 * `tmp`: FILTER_TRANSFORM_TMP_BYTES.
 */
export function filterTransform(
  m: i32,
  dst: usize,
  stride: usize,
  w0: usize,
  w1: usize,
  both: bool,
  rowStep: isize,
  colStep: isize,
  tmp: usize,
): void {
  const mh = tileHeight(m);
  const mw = tileWidth(m);
  const gh = gTable(mh);
  const gw = gTable(mw);
  const ah = mh + 2;
  const aw = mw + 2;
  const gg = tmp; // G_h g, (ah,3) f64x2
  for (let i = 0; i < ah; i++) {
    for (let kw = 0; kw < 3; kw++) {
      let s = f64x2.splat(0);
      for (let kh = 0; kh < 3; kh++) {
        const at = <isize>kh * rowStep + <isize>kw * colStep;
        const g = f64x2(
          <f64>load<f32>(<usize>(<isize>w0 + at)),
          <f64>load<f32>(<usize>(<isize>w1 + at)),
        );
        s = f64x2.add(s, f64x2.mul(v128.load64_splat(gh + <usize>(i * 3 + kh) * 8), g));
      }
      v128.store(gg + <usize>(i * 3 + kw) * 16, s);
    }
  }
  for (let i = 0; i < ah; i++) {
    for (let k = 0; k < aw; k++) {
      let s = f64x2.splat(0);
      for (let kw = 0; kw < 3; kw++) {
        const row = v128.load(gg + <usize>(i * 3 + kw) * 16);
        s = f64x2.add(s, f64x2.mul(row, v128.load64_splat(gw + <usize>(k * 3 + kw) * 8)));
      }
      const u = f32x4.demote_f64x2_zero(s);
      const at = dst + <usize>(i * aw + k) * stride;
      if (both) v128.store64_lane(at, u, 0);
      else v128.store32_lane(at, u, 0);
    }
  }
}
