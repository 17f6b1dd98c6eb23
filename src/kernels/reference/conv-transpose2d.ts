/**
 * Transposed convolution (PyTorch's conv_transpose2d), reference implementation.
 *
 * x:(N,C,H,W) w:(C,F/G,KH,KW) b:(F) -> y:(N,F,OH,OW), with G = groups, CG = C/G, FG = F/G.
 *
 * Input channel c belongs to group g = floor(c / CG) and feeds output channels g*FG .. g*FG+FG-1.
 * Each input pixel scatters a weighted copy of its kernel into the output (the transpose of
 * conv2d's gather; its forward is conv2d's backward with respect to the input):
 *
 *   y[n, g*FG+f, i*sH - pH + kh*dH, j*sW - pW + kw*dW] += x[n,c,i,j] * w[c,f,kh,kw]
 *   y[n, f, :, :] += b[f]
 *
 * where output positions outside [0,OH) x [0,OW) are cropped (that is what padding does here).
 * The backward pass reads the same index map the other way:
 *
 *   dx[n,c,i,j]    = sum_{f,kh,kw} dy[n, g*FG+f, oh, ow] * w[c,f,kh,kw]
 *   dw[c,f,kh,kw]  = sum_{n,i,j}   dy[n, g*FG+f, oh, ow] * x[n,c,i,j]
 *   db[f]          = sum_{n,oh,ow} dy[n,f,oh,ow]
 *
 * Every function writes (overwrites) its first argument.
 */
import type { ConvTranspose2dGeometry } from '../../shape/conv-transpose2d.js';
import type { FloatArray } from '../../tensor.js';

/** y:(N,F,OH,OW) = conv_transpose(x:(N,C,H,W), w:(C,F/G,KH,KW)) + b:(F); b may be null. */
export function convTranspose2dForward(
  y: FloatArray,
  x: FloatArray,
  w: FloatArray,
  b: FloatArray | null,
  g: ConvTranspose2dGeometry,
): void {
  const { N, C, H, W, F, KH, KW, OH, OW, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const CG = C / g.groups;
  const FG = F / g.groups;
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const bias = b === null ? 0 : b[f];
      y.fill(bias, (n * F + f) * OH * OW, (n * F + f + 1) * OH * OW);
    }
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const f0 = Math.floor(c / CG) * FG; // first output channel of this input channel's group
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const v = x[((n * C + c) * H + i) * W + j];
          for (let f = 0; f < FG; f++) {
            for (let kh = 0; kh < KH; kh++) {
              const oh = i * strideH - padH + kh * dilationH;
              if (oh < 0 || oh >= OH) continue; // cropped by padding
              for (let kw = 0; kw < KW; kw++) {
                const ow = j * strideW - padW + kw * dilationW;
                if (ow < 0 || ow >= OW) continue;
                y[((n * F + f0 + f) * OH + oh) * OW + ow] +=
                  v * w[((c * FG + f) * KH + kh) * KW + kw];
              }
            }
          }
        }
      }
    }
  }
}

/** dx:(N,C,H,W) from dy:(N,F,OH,OW) and w:(C,F/G,KH,KW). */
export function convTranspose2dBackwardInput(
  dx: FloatArray,
  dy: FloatArray,
  w: FloatArray,
  g: ConvTranspose2dGeometry,
): void {
  const { N, C, H, W, F, KH, KW, OH, OW, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const CG = C / g.groups;
  const FG = F / g.groups;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const f0 = Math.floor(c / CG) * FG;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          let sum = 0;
          for (let f = 0; f < FG; f++) {
            for (let kh = 0; kh < KH; kh++) {
              const oh = i * strideH - padH + kh * dilationH;
              if (oh < 0 || oh >= OH) continue;
              for (let kw = 0; kw < KW; kw++) {
                const ow = j * strideW - padW + kw * dilationW;
                if (ow < 0 || ow >= OW) continue;
                sum +=
                  dy[((n * F + f0 + f) * OH + oh) * OW + ow] *
                  w[((c * FG + f) * KH + kh) * KW + kw];
              }
            }
          }
          dx[((n * C + c) * H + i) * W + j] = sum;
        }
      }
    }
  }
}

/** dw:(C,F/G,KH,KW) from dy:(N,F,OH,OW) and x:(N,C,H,W). */
export function convTranspose2dBackwardWeight(
  dw: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  g: ConvTranspose2dGeometry,
): void {
  const { N, C, H, W, F, KH, KW, OH, OW, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const CG = C / g.groups;
  const FG = F / g.groups;
  dw.fill(0);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const f0 = Math.floor(c / CG) * FG;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const v = x[((n * C + c) * H + i) * W + j];
          for (let f = 0; f < FG; f++) {
            for (let kh = 0; kh < KH; kh++) {
              const oh = i * strideH - padH + kh * dilationH;
              if (oh < 0 || oh >= OH) continue;
              for (let kw = 0; kw < KW; kw++) {
                const ow = j * strideW - padW + kw * dilationW;
                if (ow < 0 || ow >= OW) continue;
                dw[((c * FG + f) * KH + kh) * KW + kw] +=
                  v * dy[((n * F + f0 + f) * OH + oh) * OW + ow];
              }
            }
          }
        }
      }
    }
  }
}

/** db:(F) from dy:(N,F,OH,OW): db[f] = sum over n,oh,ow of dy[n,f,oh,ow]. */
export function convTranspose2dBackwardBias(
  db: FloatArray,
  dy: FloatArray,
  g: ConvTranspose2dGeometry,
): void {
  const { N, F, OH, OW } = g;
  db.fill(0);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let k = 0; k < OH * OW; k++) db[f] += dy[(n * F + f) * OH * OW + k];
    }
  }
}
