/**
 * Adaptive average pooling (PyTorch's F.adaptive_avg_pool2d) as an autograd op: the output
 * size is given, and output pixel (i,j) is the mean of its own window (src/shape/adaptive-pool2d.ts):
 *
 *   y[n,c,i,j] = mean of x[n,c, hStart(i):hEnd(i), wStart(j):wEnd(j)]
 *   hStart(i) = floor(i*H/OH),  hEnd(i) = ceil((i+1)*H/OH)   (likewise for columns)
 *
 * The window mean is separable: with the averaging matrices A_H:(OH,H) and A_W:(OW,W),
 * A[i,h] = 1/(end(i) - start(i)) for h in [start(i), end(i)) and 0 elsewhere,
 *
 *   y[n,c] = A_H x[n,c] A_W^T
 *
 * Output size 1 is globalAvgPool2d, and a size that divides the input is avgPool2d with
 * kernel = stride = H/OH; both use those kernels. Otherwise the op is built from matmul,
 * reshape and permute, so its backward (dx = A_H^T dy A_W) comes from theirs.
 */
import { adaptivePool2dGeometry, adaptiveWindow } from '../shape/adaptive-pool2d.js';
import type { Pair } from '../shape/shape-error.js';
import { Tensor, type DType } from '../tensor.js';
import { avgPool2d } from './avg-pool2d.js';
import { globalAvgPool2d } from './global-avg-pool2d.js';
import { matmul } from './matmul.js';
import { permute } from './permute.js';
import { reshape } from './reshape.js';

/** A^T:(size,outSize), the transposed averaging matrix of one axis (a constant). */
function averagingMatrixTransposed(size: number, outSize: number, dtype: DType): Tensor {
  // Zeros: the loop below writes only the entries inside each window.
  const m = Tensor.zeros([size, outSize], dtype);
  for (let i = 0; i < outSize; i++) {
    const [start, end] = adaptiveWindow(i, size, outSize);
    for (let h = start; h < end; h++) m.data[h * outSize + i] = 1 / (end - start);
  }
  return m;
}

/** x:(N,C,H,W) -> y:(N,C,OH,OW); outputSize is (OH,OW), or one number for both. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  const { N, C, H, W, OH, OW } = adaptivePool2dGeometry(x.shape, outputSize);
  if (OH === 1 && OW === 1) return globalAvgPool2d(x);
  if (H % OH === 0 && W % OW === 0) return avgPool2d(x, { kernelSize: [H / OH, W / OW] });
  const alongW = matmul(reshape(x, [N * C * H, W]), averagingMatrixTransposed(W, OW, x.dtype));
  const columnsFirst = permute(reshape(alongW, [N * C, H, OW]), [0, 2, 1]);
  const alongH = matmul(
    reshape(columnsFirst, [N * C * OW, H]),
    averagingMatrixTransposed(H, OH, x.dtype),
  );
  return permute(reshape(alongH, [N, C, OW, OH]), [0, 1, 3, 2]);
}
