/**
 * 2x2 stride-2 max pooling of values that are already ReLUs (no negatives, no -0; NaN possible),
 * for the direct convolution's pooling epilogue: z[i,j] = max(y[2i,2j], y[2i,2j+1], y[2i+1,2j],
 * y[2i+1,2j+1]), NaN if any is. On such values f32x4.pmax (one instruction on x64, where
 * f32x4.max takes several) is the maximum except that it drops a NaN second operand, which
 * `firstMax` (lib/simd.ts) puts back (a NaN of all ones); so the results equal
 * lib/relu-pool.ts's, NaN as NaN.
 */
import { evenLanes, firstMax, oddLanes } from './simd';

/** Pooled outputs j .. j + 3 of a row, from rows `top` and `bottom`. */
@inline
function pool4(out: usize, top: usize, bottom: usize, j: i32): void {
  const at = <usize>(2 * j) * 4;
  const m0 = firstMax(v128.load(top + at), v128.load(bottom + at));
  const m1 = firstMax(v128.load(top + at, 16), v128.load(bottom + at, 16));
  v128.store(out + <usize>j * 4, firstMax(evenLanes(m0, m1), oddLanes(m0, m1)));
}

/**
 * Pooled rows of one plane: z row i (OW floats, zStride apart) from y rows 2i and 2i + 1 (W
 * floats apart, from `src`).
 */
export function poolReluRows(z: usize, zStride: i32, src: usize, W: i32, rows: i32, OW: i32): void {
  for (let i = 0; i < rows; i++) {
    const top = src + <usize>(2 * i * W) * 4;
    const bottom = top + <usize>W * 4;
    const out = z + <usize>(i * zStride) * 4;
    let j = 0;
    for (; j + 4 <= OW; j += 4) pool4(out, top, bottom, j);
    // The last OW % 4 outputs as the last four, recomputing a few (the same values).
    if (j < OW && OW >= 4) {
      pool4(out, top, bottom, OW - 4);
      continue;
    }
    for (; j < OW; j++) {
      const at = <usize>(2 * j) * 4;
      const a = load<f32>(top + at);
      const b = load<f32>(top + at, 4);
      const c = load<f32>(bottom + at);
      const d = load<f32>(bottom + at, 4);
      const nan = a != a || b != b || c != c || d != d;
      store<f32>(out + <usize>j * 4, nan ? NaN : max<f32>(max<f32>(a, b), max<f32>(c, d)));
    }
  }
}
