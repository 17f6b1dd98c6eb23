/**
 * The epilogues of a fused convolution (conv2dReluPoolForward, src/kernels/reference/
 * conv2d-relu-pool.ts), run on a block of the convolution's output while it is still in cache:
 *
 *   EPILOGUE_RELU       y = max(y, 0)                                   in place
 *   EPILOGUE_RELU_POOL  z[i,j] = max(0, y[2i,2j], y[2i,2j+1], y[2i+1,2j], y[2i+1,2j+1])
 *
 * (the pooling can add the bias after the maximum: rounding is monotonic, so max(a + b, c + b)
 * and max(a, c) + b round to the same float)
 *
 * max(., 0) is the ReLU kernel's (NaN kept, -0 to 0) and the pool's max propagates NaN, so the
 * maximum of the ReLUs equals the ReLU of the maximum bitwise: the same values as the ReLU and
 * max pool kernels run one after the other.
 */
import { evenLanes, firstMax, oddLanes, reluOf } from './simd';

export const EPILOGUE_NONE: i32 = 0;
export const EPILOGUE_RELU: i32 = 1;
export const EPILOGUE_RELU_POOL: i32 = 2;

/** p[0..count) = max(p, 0). */
export function reluInPlace(p: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = p + <usize>i * 4;
    v128.store(at, reluOf(v128.load(at)));
  }
  for (; i < count; i++) {
    const at = p + <usize>i * 4;
    store<f32>(at, max<f32>(load<f32>(at), 0));
  }
}

/** Pooled outputs j .. j + 3 of a row: windows from rows `top` and `bottom`, plus the bias. */
@inline
function reluPool4(out: usize, top: usize, bottom: usize, j: i32, bias: v128): void {
  const at = <usize>(2 * j) * 4;
  // The window's maximum may be -0 where the ReLU kernel's would be 0: the ReLU after makes both 0.
  const m0 = firstMax(v128.load(top + at), v128.load(bottom + at));
  const m1 = firstMax(v128.load(top + at, 16), v128.load(bottom + at, 16));
  const m = firstMax(evenLanes(m0, m1), oddLanes(m0, m1));
  v128.store(out + <usize>j * 4, reluOf(f32x4.add(m, bias)));
}

/**
 * Pooled rows i0 .. i1 of one plane: z row i (OW floats, zStride apart) from y rows 2i and
 * 2i + 1 (W floats apart, `src` at y's row 2*i0).
 */
export function reluPool2x2Rows(
  z: usize,
  zStride: i32,
  src: usize,
  W: i32,
  rows: i32,
  OW: i32,
  bias: f32,
): void {
  const add = f32x4.splat(bias);
  for (let i = 0; i < rows; i++) {
    const top = src + <usize>(2 * i * W) * 4;
    const bottom = top + <usize>W * 4;
    const out = z + <usize>(i * zStride) * 4;
    let j = 0;
    for (; j + 4 <= OW; j += 4) reluPool4(out, top, bottom, j, add);
    // The last OW % 4 outputs as the last four, recomputing a few (the same values).
    if (j < OW && OW >= 4) {
      reluPool4(out, top, bottom, OW - 4, add);
      continue;
    }
    for (; j < OW; j++) {
      const at = <usize>(2 * j) * 4;
      const left = max<f32>(load<f32>(top + at), load<f32>(bottom + at));
      const right = max<f32>(load<f32>(top + at, 4), load<f32>(bottom + at, 4));
      store<f32>(out + <usize>j * 4, max<f32>(max<f32>(left, right) + bias, 0));
    }
  }
}
