/**
 * The direct convolution's register blocks (conv2d-direct.ts): two vectors of outputs, 8 adjacent
 * ones of a row or 4 of each of two rows, for a panel of 4 filters in 8 f32x4 accumulators, or of
 * 5 filters in 10 (block5). Per tap t: two loads of input (band row + taps[t] and `second` bytes
 * on: 16, or the next output row's band row, as lib/direct-band.ts lays them out), the filters'
 * taps splatted, a multiply-add per accumulator. Without a scale the accumulators start at the
 * bias; with one, the output is s * sum + b in one multiply-add at the end; then ReLU where
 * asked. Every output is the same operations in any block: the same bits.
 */
import { BLOCK } from './direct-band';
import { MR5 } from './micro-kernel';
import { laneSplat, madd, reluOf } from './simd';

/** Four outputs of filter k: s*acc + b, or acc (the bias already in), then ReLU where asked. */
@inline
function scaleRelu(a: v128, k: i32, bias: usize, scale: usize, scaled: bool, relu: bool): v128 {
  let v = a;
  if (scaled) {
    const sk = v128.load32_splat(scale + <usize>k * 4);
    v = madd(v128.load32_splat(bias + <usize>k * 4), v, sk);
  }
  return relu ? reluOf(v) : v;
}

/** Filter k's accumulator to start from: its bias without a scale (added at the end with one). */
@inline
function start(bias: usize, k: i32, scaled: bool): v128 {
  return scaled ? f32x4.splat(0) : v128.load32_splat(bias + <usize>k * 4);
}

/** Output block of filter k (two vectors) through the epilogue, then stored. */
@inline
function finish(
  a0: v128,
  a1: v128,
  k: i32,
  bias: usize,
  scale: usize,
  scaled: bool,
  relu: bool,
  out: usize,
  outSecond: usize,
  valid: i32,
  tmp: usize,
): void {
  const v0 = scaleRelu(a0, k, bias, scale, scaled, relu);
  const v1 = scaleRelu(a1, k, bias, scale, scaled, relu);
  if (valid == BLOCK) {
    v128.store(out, v0);
    v128.store(out + outSecond, v1);
  } else {
    v128.store(tmp, v0);
    v128.store(tmp, v1, 16);
    memory.copy(out, tmp, <usize>valid * 4);
  }
}

/** Four outputs of filter k (one vector) through the epilogue, stored at `out`. */
@inline
function finish4(
  a: v128,
  k: i32,
  bias: usize,
  scale: usize,
  scaled: bool,
  relu: bool,
  out: usize,
): void {
  v128.store(out, scaleRelu(a, k, bias, scale, scaled, relu));
}

/**
 * Outputs [j, j + valid) of one row for filters fb .. fb + nf - 1 (nf <= 4), from the band row at
 * `inRow` (+ j): out is filter fb's output at column j, filters `fStride` bytes apart. With
 * `second` 16 and `outSecond` 16 the block is 8 adjacent outputs; with `second` the band's row
 * stride and `outSecond` the output's (valid = BLOCK), it is outputs [j, j + 4) of two rows.
 */
@inline
export function block(
  inRow: usize,
  second: usize,
  taps: usize,
  R: i32,
  wp: usize,
  bias: usize,
  scale: usize,
  scaled: bool,
  relu: bool,
  out: usize,
  outSecond: usize,
  fStride: usize,
  nf: i32,
  valid: i32,
  tmp: usize,
): void {
  let c00 = start(bias, 0, scaled),
    c10 = start(bias, 1, scaled),
    c20 = start(bias, 2, scaled),
    c30 = start(bias, 3, scaled);
  let c01 = c00,
    c11 = c10,
    c21 = c20,
    c31 = c30;
  const end = taps + ((<usize>R) << 2);
  for (let tp = taps, q = wp; tp < end; tp += 4, q += 16) {
    const p = inRow + <usize>load<i32>(tp);
    const x0 = v128.load(p);
    const x1 = v128.load(p + second);
    const w0 = v128.load32_splat(q);
    const w1 = v128.load32_splat(q, 4);
    const w2 = v128.load32_splat(q, 8);
    const w3 = v128.load32_splat(q, 12);
    c00 = madd(c00, x0, w0);
    c01 = madd(c01, x1, w0);
    c10 = madd(c10, x0, w1);
    c11 = madd(c11, x1, w1);
    c20 = madd(c20, x0, w2);
    c21 = madd(c21, x1, w2);
    c30 = madd(c30, x0, w3);
    c31 = madd(c31, x1, w3);
  }
  finish(c00, c01, 0, bias, scale, scaled, relu, out, outSecond, valid, tmp);
  if (nf > 1) finish(c10, c11, 1, bias, scale, scaled, relu, out + fStride, outSecond, valid, tmp);
  if (nf > 2)
    finish(c20, c21, 2, bias, scale, scaled, relu, out + 2 * fStride, outSecond, valid, tmp);
  if (nf > 3)
    finish(c30, c31, 3, bias, scale, scaled, relu, out + 3 * fStride, outSecond, valid, tmp);
}

/**
 * Outputs [j, j + 4) of one row for filters fb .. fb + nf - 1, as `block` computes them (the same
 * operations per output, so the same bits): a row's last 1 to 4 outputs after its blocks of 8.
 */
@inline
export function block4(
  inRow: usize,
  taps: usize,
  R: i32,
  wp: usize,
  bias: usize,
  scale: usize,
  scaled: bool,
  relu: bool,
  out: usize,
  fStride: usize,
  nf: i32,
): void {
  let c0 = start(bias, 0, scaled),
    c1 = start(bias, 1, scaled),
    c2 = start(bias, 2, scaled),
    c3 = start(bias, 3, scaled);
  const end = taps + ((<usize>R) << 2);
  for (let tp = taps, q = wp; tp < end; tp += 4, q += 16) {
    const x0 = v128.load(inRow + <usize>load<i32>(tp));
    c0 = madd(c0, x0, v128.load32_splat(q));
    c1 = madd(c1, x0, v128.load32_splat(q, 4));
    c2 = madd(c2, x0, v128.load32_splat(q, 8));
    c3 = madd(c3, x0, v128.load32_splat(q, 12));
  }
  finish4(c0, 0, bias, scale, scaled, relu, out);
  if (nf > 1) finish4(c1, 1, bias, scale, scaled, relu, out + fStride);
  if (nf > 2) finish4(c2, 2, bias, scale, scaled, relu, out + 2 * fStride);
  if (nf > 3) finish4(c3, 3, bias, scale, scaled, relu, out + 3 * fStride);
}

/**
 * `block` for a panel of 5 filters (fb .. fb + 4, taps 20 bytes apart), in 10 accumulators: per
 * tap, the first four filters' taps are one vector load splatted by shuffles (lib/simd.ts's
 * laneSplat: five splatting loads would not fit the registers), the fifth a splatting load. Two
 * loads of input and three of taps feed ten multiply-adds, where `block` has six for eight.
 */
@inline
export function block5(
  inRow: usize,
  second: usize,
  taps: usize,
  R: i32,
  wp: usize,
  bias: usize,
  scale: usize,
  scaled: bool,
  relu: bool,
  out: usize,
  outSecond: usize,
  fStride: usize,
  valid: i32,
  tmp: usize,
): void {
  let c00 = start(bias, 0, scaled),
    c10 = start(bias, 1, scaled),
    c20 = start(bias, 2, scaled),
    c30 = start(bias, 3, scaled),
    c40 = start(bias, 4, scaled);
  let c01 = c00,
    c11 = c10,
    c21 = c20,
    c31 = c30,
    c41 = c40;
  const end = taps + ((<usize>R) << 2);
  for (let tp = taps, q = wp; tp < end; tp += 4, q += 20) {
    const p = inRow + <usize>load<i32>(tp);
    const x0 = v128.load(p);
    const x1 = v128.load(p + second);
    const four = v128.load(q);
    let w = laneSplat(four, 0);
    c00 = madd(c00, x0, w);
    c01 = madd(c01, x1, w);
    w = laneSplat(four, 1);
    c10 = madd(c10, x0, w);
    c11 = madd(c11, x1, w);
    w = laneSplat(four, 2);
    c20 = madd(c20, x0, w);
    c21 = madd(c21, x1, w);
    w = laneSplat(four, 3);
    c30 = madd(c30, x0, w);
    c31 = madd(c31, x1, w);
    w = v128.load32_splat(q, 16);
    c40 = madd(c40, x0, w);
    c41 = madd(c41, x1, w);
  }
  finish(c00, c01, 0, bias, scale, scaled, relu, out, outSecond, valid, tmp);
  finish(c10, c11, 1, bias, scale, scaled, relu, out + fStride, outSecond, valid, tmp);
  finish(c20, c21, 2, bias, scale, scaled, relu, out + 2 * fStride, outSecond, valid, tmp);
  finish(c30, c31, 3, bias, scale, scaled, relu, out + 3 * fStride, outSecond, valid, tmp);
  finish(c40, c41, 4, bias, scale, scaled, relu, out + 4 * fStride, outSecond, valid, tmp);
}

/** `block4` for a panel of 5 filters (taps 20 bytes apart): a row's last 4 outputs. */
@inline
export function block5x4(
  inRow: usize,
  taps: usize,
  R: i32,
  wp: usize,
  bias: usize,
  scale: usize,
  scaled: bool,
  relu: bool,
  out: usize,
  fStride: usize,
): void {
  let c0 = start(bias, 0, scaled),
    c1 = start(bias, 1, scaled),
    c2 = start(bias, 2, scaled),
    c3 = start(bias, 3, scaled),
    c4 = start(bias, 4, scaled);
  const end = taps + ((<usize>R) << 2);
  for (let tp = taps, q = wp; tp < end; tp += 4, q += 20) {
    const x0 = v128.load(inRow + <usize>load<i32>(tp));
    const four = v128.load(q);
    c0 = madd(c0, x0, laneSplat(four, 0));
    c1 = madd(c1, x0, laneSplat(four, 1));
    c2 = madd(c2, x0, laneSplat(four, 2));
    c3 = madd(c3, x0, laneSplat(four, 3));
    c4 = madd(c4, x0, v128.load32_splat(q, 16));
  }
  finish4(c0, 0, bias, scale, scaled, relu, out);
  finish4(c1, 1, bias, scale, scaled, relu, out + fStride);
  finish4(c2, 2, bias, scale, scaled, relu, out + 2 * fStride);
  finish4(c3, 3, bias, scale, scaled, relu, out + 3 * fStride);
  finish4(c4, 4, bias, scale, scaled, relu, out + 4 * fStride);
}

/** `block5` for a panel of 5 filters (h = 5), else `block` for its nf filters of 4. */
@inline
export function panelBlock(
  h: i32,
  inRow: usize,
  second: usize,
  taps: usize,
  R: i32,
  wp: usize,
  bias: usize,
  scale: usize,
  scaled: bool,
  relu: bool,
  out: usize,
  outSecond: usize,
  fStride: usize,
  nf: i32,
  valid: i32,
  tmp: usize,
): void {
  if (h == MR5) {
    block5(
      inRow,
      second,
      taps,
      R,
      wp,
      bias,
      scale,
      scaled,
      relu,
      out,
      outSecond,
      fStride,
      valid,
      tmp,
    );
  } else {
    block(
      inRow,
      second,
      taps,
      R,
      wp,
      bias,
      scale,
      scaled,
      relu,
      out,
      outSecond,
      fStride,
      nf,
      valid,
      tmp,
    );
  }
}

/** `block5x4` for a panel of 5 filters (h = 5), else `block4` for its nf filters of 4. */
@inline
export function panelBlock4(
  h: i32,
  inRow: usize,
  taps: usize,
  R: i32,
  wp: usize,
  bias: usize,
  scale: usize,
  scaled: bool,
  relu: bool,
  out: usize,
  fStride: usize,
  nf: i32,
): void {
  if (h == MR5) block5x4(inRow, taps, R, wp, bias, scale, scaled, relu, out, fStride);
  else block4(inRow, taps, R, wp, bias, scale, scaled, relu, out, fStride, nf);
}
