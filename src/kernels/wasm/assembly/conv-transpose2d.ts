/**
 * Transposed convolution forward as GEMM + col2im, threaded. Same contract as the reference
 * (src/kernels/reference/conv-transpose2d.ts):
 *
 *   x:(N,C,H,W) w:(C,FG,KH,KW) b:(F) -> y:(N,F,OH,OW),  CG = C/G, FG = F/G, P = H*W, R = FG*KH*KW
 *
 *   y[n,g] = b + col2im( w[g]^T:(R,CG) * x[n,g]:(CG,P) )          (one GEMM per image and group)
 *
 * which is conv2d's input gradient with x in the place of dy. So the geometry this kernel reads
 * is that conv2d's (src/shape/conv-transpose2d.ts, convTranspose2dAsConv): its input is our
 * output (C = F, H = OH, W = OW), its filters our input channels (F = C), its output our input
 * (OH = H, OW = W). The backward kernels are that conv2d's own kernels (assembly/conv2d.ts) on
 * the same geometry: dx is its forward of dy, dw its weight gradient with x as dy and dy as x.
 *
 * Threads own whole images when there are at least as many images as threads, else ranges of
 * output channels of every image; a channel's plane is summed by one thread, in the same order
 * (bias, then col2im's kernel taps in order) whatever the split.
 */
import { ConvGeometry, isDirect, shareStart } from './lib/geometry';
import { col2imAddChannels } from './lib/im2col';
import { sgemm, sgemmScratchBytes } from './sgemm';

/** Fills `count` floats from `at` with `value`. */
@inline
function fillF32(at: usize, count: i32, value: f32): void {
  const v = f32x4.splat(value);
  let p = 0;
  for (; p + 4 <= count; p += 4) v128.store(at + <usize>p * 4, v);
  for (; p < count; p++) store<f32>(at + <usize>p * 4, value);
}

/** Output channels c0 .. c1 of image n, group grp: bias, then the GEMM's rows scattered back. */
@inline
function forwardChannels(
  g: ConvGeometry,
  y: usize,
  x: usize,
  w: usize,
  b: usize,
  n: i32,
  grp: i32,
  c0: i32,
  c1: i32,
  direct: bool,
  gemmScratch: usize,
  cols: usize,
): void {
  const outChannels = g.C / g.groups; // FG of the transposed conv
  const inChannels = g.F / g.groups; // CG of the transposed conv
  const taps = g.KH * g.KW;
  const R = outChannels * taps;
  const P = g.OH * g.OW;
  const plane = g.H * g.W;
  const yg = y + <usize>((n * g.C + grp * outChannels) * plane) * 4;
  const xg = x + <usize>((n * g.F + grp * inChannels) * P) * 4;
  const wg = w + <usize>(grp * inChannels * R) * 4;
  for (let c = c0; c < c1; c++) {
    const bias: f32 = b == 0 ? 0 : load<f32>(b + <usize>(grp * outChannels + c) * 4);
    fillF32(yg + <usize>(c * plane) * 4, plane, bias);
  }
  const rows = (c1 - c0) * taps;
  const wRows = wg + <usize>(c0 * taps) * 4;
  if (direct) {
    const yRows = yg + <usize>(c0 * plane) * 4;
    sgemm(rows, P, inChannels, wRows, R, true, xg, P, false, yRows, P, true, gemmScratch);
  } else {
    sgemm(rows, P, inChannels, wRows, R, true, xg, P, false, cols, P, false, gemmScratch);
    col2imAddChannels(yg, cols, g, c0, c1);
  }
}

export function convTranspose2dForward(
  tid: i32,
  threads: i32,
  geometry: usize,
  y: usize,
  x: usize,
  w: usize,
  b: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const outChannels = g.C / g.groups;
  const gemmScratch = scratch + <usize>(tid * scratchStride);
  const cols = gemmScratch + <usize>sgemmScratchBytes();
  const direct = isDirect(g);
  let n0 = 0,
    n1 = g.N,
    c0 = 0,
    c1 = outChannels;
  if (g.N >= threads) {
    n0 = shareStart(g.N, tid, threads);
    n1 = shareStart(g.N, tid + 1, threads);
  } else {
    c0 = shareStart(outChannels, tid, threads);
    c1 = shareStart(outChannels, tid + 1, threads);
  }
  if (c1 <= c0) return;
  for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      forwardChannels(g, y, x, w, b, n, grp, c0, c1, direct, gemmScratch, cols);
    }
  }
}
