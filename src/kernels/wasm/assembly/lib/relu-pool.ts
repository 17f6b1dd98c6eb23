/**
 * The epilogues of a fused convolution (conv2dReluPoolForward, src/kernels/reference/
 * conv2d-relu-pool.ts), run on a block of the convolution's output while it is still in cache:
 *
 *   EPILOGUE_RELU       y = max(y, 0)                                   in place
 *   EPILOGUE_RELU_POOL  z[i,j] = max(0, y[2i,2j], y[2i,2j+1], y[2i+1,2j], y[2i+1,2j+1])
 *
 * max(., 0) is the ReLU kernel's (NaN kept, -0 to 0) and the pool's max propagates NaN, so the
 * maximum of the ReLUs equals the ReLU of the maximum bitwise: the same values as the ReLU and
 * max pool kernels run one after the other.
 */
import { evenLanes, oddLanes } from './simd';

export const EPILOGUE_NONE: i32 = 0;
export const EPILOGUE_RELU: i32 = 1;
export const EPILOGUE_RELU_POOL: i32 = 2;

/** p[0..count) = max(p, 0). */
export function reluInPlace(p: usize, count: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = p + <usize>i * 4;
    v128.store(at, f32x4.max(v128.load(at), zero));
  }
  for (; i < count; i++) {
    const at = p + <usize>i * 4;
    store<f32>(at, max<f32>(load<f32>(at), 0));
  }
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
): void {
  const zero = f32x4.splat(0);
  for (let i = 0; i < rows; i++) {
    const top = src + <usize>(2 * i * W) * 4;
    const bottom = top + <usize>W * 4;
    const out = z + <usize>(i * zStride) * 4;
    let j = 0;
    for (; j + 4 <= OW; j += 4) {
      const at = <usize>(2 * j) * 4;
      const m0 = f32x4.max(v128.load(top + at), v128.load(bottom + at));
      const m1 = f32x4.max(v128.load(top + at, 16), v128.load(bottom + at, 16));
      const m = f32x4.max(evenLanes(m0, m1), oddLanes(m0, m1));
      v128.store(out + <usize>j * 4, f32x4.max(m, zero));
    }
    for (; j < OW; j++) {
      const at = <usize>(2 * j) * 4;
      const left = max<f32>(load<f32>(top + at), load<f32>(bottom + at));
      const right = max<f32>(load<f32>(top + at, 4), load<f32>(bottom + at, 4));
      store<f32>(out + <usize>j * 4, max<f32>(max<f32>(left, right), 0));
    }
  }
}
