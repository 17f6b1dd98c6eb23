/**
 * im2col and col2im for one image and one channel group.
 *
 * x:(CG,H,W) <-> cols:(CG*KH*KW, OH*OW), row r = (c*KH + kh)*KW + kw, column p = i*OW + j:
 *
 *   cols[r, p] = x[c, i*sH - pH + kh*dH, j*sW - pW + kw*dW]   (0 outside the image)
 *
 * so a convolution of the image is the GEMM w:(F, CG*KH*KW) * cols. col2im is the adjoint: it
 * adds every cols[r, p] back into the x position it came from.
 */
import { ConvGeometry } from './geometry';
import { paddedRun } from './padded-rows';

export function im2col(cols: usize, x: usize, g: ConvGeometry): void {
  im2colRows(cols, x, g, 0, (g.C / g.groups) * g.KH * g.KW);
}

/** Rows r0 .. r1 of im2col(x), written from `cols` on: what one thread's share of a GEMM reads. */
export function im2colRows(cols: usize, x: usize, g: ConvGeometry, r0: i32, r1: i32): void {
  im2colBand(cols, x, g, r0, r1, 0, g.OH);
}

/**
 * Rows r0 .. r1 of im2col(x), restricted to the columns of output rows i0 .. i1 (columns
 * i0*OW .. i1*OW): a (r1 - r0) x ((i1 - i0)*OW) matrix written from `cols` on.
 */
export function im2colBand(
  cols: usize,
  x: usize,
  g: ConvGeometry,
  r0: i32,
  r1: i32,
  i0: i32,
  i1: i32,
): void {
  const H = g.H,
    W = g.W,
    OW = g.OW;
  let row = cols;
  for (let r = r0; r < r1; r++) {
    const c = r / (g.KH * g.KW);
    const kh = (r / g.KW) % g.KH;
    const kw = r % g.KW;
    const plane = x + <usize>(c * H * W) * 4;
    const offsetW = kw * g.dilationW - g.padW;
    for (let i = i0; i < i1; i++) {
      const h = i * g.strideH - g.padH + kh * g.dilationH;
      const out = row + <usize>((i - i0) * OW) * 4;
      if (h < 0 || h >= H) {
        paddedRun(out, OW, 0, 0, 0);
        continue;
      }
      const src = plane + <usize>(h * W) * 4;
      if (g.strideW == 1) {
        // Columns j with 0 <= j + offsetW < W copy one contiguous run.
        const j0 = min(OW, max(0, -offsetW));
        const j1 = max(j0, min(OW, W - offsetW));
        paddedRun(out, OW, src + <usize>offsetW * 4, j0, j1);
      } else {
        for (let j = 0; j < OW; j++) {
          const v = j * g.strideW + offsetW;
          store<f32>(out + <usize>j * 4, v >= 0 && v < W ? load<f32>(src + <usize>v * 4) : 0);
        }
      }
    }
    row += <usize>((i1 - i0) * OW) * 4;
  }
}

/** dx:(CG,H,W) += col2im(dcols:(CG*KH*KW, OH*OW)). */
export function col2imAdd(dx: usize, dcols: usize, g: ConvGeometry): void {
  col2imAddChannels(dx, dcols, g, 0, g.C / g.groups);
}

/**
 * Channels c0 .. c1 of col2imAdd: dx[c0..c1] += col2im of dcols' rows for those channels,
 * which start at `dcols` (row c0*KH*KW of the whole). Each channel's plane is written from its
 * own rows only, in the same order however the channels are split.
 */
export function col2imAddChannels(
  dx: usize,
  dcols: usize,
  g: ConvGeometry,
  c0: i32,
  c1: i32,
): void {
  const H = g.H,
    W = g.W,
    OH = g.OH,
    OW = g.OW;
  const P = OH * OW;
  let row = dcols;
  for (let c = c0; c < c1; c++) {
    const plane = dx + <usize>(c * H * W) * 4;
    for (let kh = 0; kh < g.KH; kh++) {
      for (let kw = 0; kw < g.KW; kw++) {
        const offsetW = kw * g.dilationW - g.padW;
        for (let i = 0; i < OH; i++) {
          const h = i * g.strideH - g.padH + kh * g.dilationH;
          if (h < 0 || h >= H) continue;
          const src = row + <usize>(i * OW) * 4;
          const dst = plane + <usize>(h * W) * 4;
          if (g.strideW == 1) {
            const j0 = min(OW, max(0, -offsetW));
            const j1 = max(j0, min(OW, W - offsetW));
            let j = j0;
            for (; j + 4 <= j1; j += 4) {
              const d = dst + <usize>(j + offsetW) * 4;
              v128.store(d, f32x4.add(v128.load(d), v128.load(src + <usize>j * 4)));
            }
            for (; j < j1; j++) {
              const d = dst + <usize>(j + offsetW) * 4;
              store<f32>(d, load<f32>(d) + load<f32>(src + <usize>j * 4));
            }
          } else {
            for (let j = 0; j < OW; j++) {
              const v = j * g.strideW + offsetW;
              if (v < 0 || v >= W) continue;
              const d = dst + <usize>v * 4;
              store<f32>(d, load<f32>(d) + load<f32>(src + <usize>j * 4));
            }
          }
        }
        row += <usize>P * 4;
      }
    }
  }
}
