/**
 * Average pooling, threaded over (n, c) planes. Same contract as
 * src/kernels/reference/avg-pool2d.ts: the divisor is KH*KW when countIncludePad, else the
 * number of real inputs in the window; backward spreads dy/count over the window.
 */
import { PoolGeometry, shareStart } from './lib/geometry';

@inline
function divisor(g: PoolGeometry, i: i32, j: i32, countIncludePad: bool): f32 {
  if (countIncludePad) return <f32>(g.KH * g.KW);
  const h0 = i * g.strideH - g.padH;
  const w0 = j * g.strideW - g.padW;
  return <f32>((min(h0 + g.KH, g.H) - max(h0, 0)) * (min(w0 + g.KW, g.W) - max(w0, 0)));
}

export function avgPool2dForward(
  tid: i32,
  threads: i32,
  geometry: usize,
  y: usize,
  x: usize,
  countIncludePad: bool,
): void {
  const g = changetype<PoolGeometry>(geometry);
  const planes = g.N * g.C;
  const HW = g.H * g.W;
  const OHW = g.OH * g.OW;
  const end = shareStart(planes, tid + 1, threads);
  for (let plane = shareStart(planes, tid, threads); plane < end; plane++) {
    const xp = x + <usize>(plane * HW) * 4;
    const yp = y + <usize>(plane * OHW) * 4;
    for (let i = 0; i < g.OH; i++) {
      const h0 = i * g.strideH - g.padH;
      for (let j = 0; j < g.OW; j++) {
        const w0 = j * g.strideW - g.padW;
        let sum: f32 = 0;
        for (let h = max(h0, 0); h < min(h0 + g.KH, g.H); h++) {
          for (let v = max(w0, 0); v < min(w0 + g.KW, g.W); v++) {
            sum += load<f32>(xp + <usize>(h * g.W + v) * 4);
          }
        }
        store<f32>(yp + <usize>(i * g.OW + j) * 4, sum / divisor(g, i, j, countIncludePad));
      }
    }
  }
}

export function avgPool2dBackward(
  tid: i32,
  threads: i32,
  geometry: usize,
  dx: usize,
  dy: usize,
  countIncludePad: bool,
): void {
  const g = changetype<PoolGeometry>(geometry);
  const planes = g.N * g.C;
  const HW = g.H * g.W;
  const OHW = g.OH * g.OW;
  const end = shareStart(planes, tid + 1, threads);
  for (let plane = shareStart(planes, tid, threads); plane < end; plane++) {
    const dxp = dx + <usize>(plane * HW) * 4;
    const dyp = dy + <usize>(plane * OHW) * 4;
    memory.fill(dxp, 0, <usize>HW * 4);
    for (let i = 0; i < g.OH; i++) {
      const h0 = i * g.strideH - g.padH;
      for (let j = 0; j < g.OW; j++) {
        const w0 = j * g.strideW - g.padW;
        const share =
          load<f32>(dyp + <usize>(i * g.OW + j) * 4) / divisor(g, i, j, countIncludePad);
        for (let h = max(h0, 0); h < min(h0 + g.KH, g.H); h++) {
          for (let v = max(w0, 0); v < min(w0 + g.KW, g.W); v++) {
            const at = dxp + <usize>(h * g.W + v) * 4;
            store<f32>(at, load<f32>(at) + share);
          }
        }
      }
    }
  }
}
