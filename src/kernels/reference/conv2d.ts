/**
 * Convolution, reference implementation: the living spec that every fast kernel is held to.
 *
 * x:(N,C,H,W) w:(F,C/G,KH,KW) b:(F) -> y:(N,F,OH,OW), with G = groups and CG = C/G.
 *
 * Filter f belongs to group g = floor(f / (F/G)) and sees input channels g*CG .. g*CG+CG-1.
 * Each filter spans all the channels of its group, sums over them and adds its bias; the same
 * filter slides over every position (parameter sharing):
 *
 *   y[n,f,i,j] = b[f] + sum_{c,kh,kw} x[n, g*CG+c, i*sH - pH + kh*dH, j*sW - pW + kw*dW] * w[f,c,kh,kw]
 *
 * where positions outside the input are zero padding. The backward pass is the same loop with
 * the multiply-add turned around (given dy = dL/dy):
 *
 *   db[f]        += dy[n,f,i,j]
 *   dw[f,c,kh,kw] += dy[n,f,i,j] * x[window]
 *   dx[window]    += dy[n,f,i,j] * w[f,c,kh,kw]
 *
 * Every function writes (overwrites) its first argument. Arrays may be Float32Array or
 * Float64Array (gradient checks run in float64).
 */
import type { Conv2dGeometry } from '../../shape/conv2d.js';
import type { FloatArray } from '../../tensor.js';

/** y:(N,F,OH,OW) = conv(x:(N,C,H,W), w:(F,C/G,KH,KW)) + b:(F); b may be null (no bias). */
export function conv2dForward(
  y: FloatArray,
  x: FloatArray,
  w: FloatArray,
  b: FloatArray | null,
  g: Conv2dGeometry,
): void {
  const { N, C, H, W, F, KH, KW, OH, OW, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const CG = C / g.groups; // channels per group
  const FG = F / g.groups; // filters per group
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const c0 = Math.floor(f / FG) * CG; // first input channel of this filter's group
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          let sum = b === null ? 0 : b[f];
          for (let c = 0; c < CG; c++) {
            for (let kh = 0; kh < KH; kh++) {
              const h = i * strideH - padH + kh * dilationH;
              if (h < 0 || h >= H) continue; // zero padding
              for (let kw = 0; kw < KW; kw++) {
                const v = j * strideW - padW + kw * dilationW;
                if (v < 0 || v >= W) continue;
                sum +=
                  x[((n * C + c0 + c) * H + h) * W + v] * w[((f * CG + c) * KH + kh) * KW + kw];
              }
            }
          }
          y[((n * F + f) * OH + i) * OW + j] = sum;
        }
      }
    }
  }
}

/** dx:(N,C,H,W) from dy:(N,F,OH,OW) and w:(F,C/G,KH,KW): dx[window] += dy * w[f]. */
function conv2dBackwardInput(
  dx: FloatArray,
  dy: FloatArray,
  w: FloatArray,
  g: Conv2dGeometry,
): void {
  const { N, C, H, W, F, KH, KW, OH, OW, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const CG = C / g.groups;
  const FG = F / g.groups;
  dx.fill(0);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const c0 = Math.floor(f / FG) * CG;
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          const d = dy[((n * F + f) * OH + i) * OW + j];
          for (let c = 0; c < CG; c++) {
            for (let kh = 0; kh < KH; kh++) {
              const h = i * strideH - padH + kh * dilationH;
              if (h < 0 || h >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const v = j * strideW - padW + kw * dilationW;
                if (v < 0 || v >= W) continue;
                dx[((n * C + c0 + c) * H + h) * W + v] += d * w[((f * CG + c) * KH + kh) * KW + kw];
              }
            }
          }
        }
      }
    }
  }
}

/** dw:(F,C/G,KH,KW) from dy:(N,F,OH,OW) and x:(N,C,H,W): dw[f] += dy * x[window]. */
function conv2dBackwardWeight(
  dw: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  g: Conv2dGeometry,
): void {
  const { N, C, H, W, F, KH, KW, OH, OW, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const CG = C / g.groups;
  const FG = F / g.groups;
  dw.fill(0);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const c0 = Math.floor(f / FG) * CG;
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          const d = dy[((n * F + f) * OH + i) * OW + j];
          for (let c = 0; c < CG; c++) {
            for (let kh = 0; kh < KH; kh++) {
              const h = i * strideH - padH + kh * dilationH;
              if (h < 0 || h >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const v = j * strideW - padW + kw * dilationW;
                if (v < 0 || v >= W) continue;
                dw[((f * CG + c) * KH + kh) * KW + kw] += d * x[((n * C + c0 + c) * H + h) * W + v];
              }
            }
          }
        }
      }
    }
  }
}

/** db:(F) from dy:(N,F,OH,OW): db[f] = sum over n,i,j of dy[n,f,i,j]. */
function conv2dBackwardBias(db: FloatArray, dy: FloatArray, g: Conv2dGeometry): void {
  const { N, F, OH, OW } = g;
  db.fill(0);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let k = 0; k < OH * OW; k++) db[f] += dy[(n * F + f) * OH * OW + k];
    }
  }
}

/** Whichever of dx, dw, db are not null, from one dy (the three kernels above, in turn). */
export function conv2dBackward(
  dx: FloatArray | null,
  dw: FloatArray | null,
  db: FloatArray | null,
  dy: FloatArray,
  x: FloatArray,
  w: FloatArray,
  g: Conv2dGeometry,
): void {
  if (dx !== null) conv2dBackwardInput(dx, dy, w, g);
  if (dw !== null) conv2dBackwardWeight(dw, dy, x, g);
  if (db !== null) conv2dBackwardBias(db, dy, g);
}
