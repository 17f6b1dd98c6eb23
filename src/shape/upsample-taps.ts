/**
 * Which input pixels each output pixel of an upsampling reads, along one axis: the index maps
 * of the reference kernels (src/kernels/reference/upsample-*.ts), defined once here so that the
 * fast kernels read exactly the same pixels.
 *
 *   nearest:   src(i) = min(floor(i * scale), size - 1), i * scale computed in float32 (PyTorch's
 *              nearest_idx, which uses float32 whatever the tensor's dtype)
 *   bilinear:  src = max(scale * (i + 0.5) - 0.5, 0), or i * (size - 1) / (outSize - 1) with
 *              alignCorners (0 when outSize = 1); first = floor(src), second = min(first + 1,
 *              size - 1), weight of the second = src - first
 *
 * with scale = input pixels per output pixel (Upsample2dGeometry's scaleH and scaleW).
 */

/** The input index output index i copies, as PyTorch's nearest_idx computes it. */
export function nearestSourceIndex(i: number, scale: number, size: number): number {
  return Math.min(Math.floor(Math.fround(Math.fround(i) * Math.fround(scale))), size - 1);
}

/** The two input indices each output index reads along one axis, and the weight of the second. */
export interface BilinearTaps {
  first: Int32Array;
  second: Int32Array;
  weight: Float64Array;
}

export function bilinearTaps(
  size: number,
  outSize: number,
  scale: number,
  alignCorners: boolean,
): BilinearTaps {
  const first = new Int32Array(outSize);
  const second = new Int32Array(outSize);
  const weight = new Float64Array(outSize);
  const cornerScale = outSize > 1 ? (size - 1) / (outSize - 1) : 0;
  for (let i = 0; i < outSize; i++) {
    const src = alignCorners ? i * cornerScale : Math.max(scale * (i + 0.5) - 0.5, 0);
    const i0 = Math.floor(src);
    first[i] = i0;
    second[i] = i0 < size - 1 ? i0 + 1 : i0;
    weight[i] = src - i0;
  }
  return { first, second, weight };
}
