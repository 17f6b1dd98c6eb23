/**
 * The index map behind broadcasting, reductions and permutations: for every position of a
 * shape, in row-major order, the flat offset sum_k index_k * strides[k] into another array.
 * A stride of 0 repeats the other array along that axis (broadcast); permuted strides read it
 * in another axis order.
 */

/** offsets[i] = sum_k index_k(i) * strides[k], for each row-major index i of shape. */
export function stridedOffsets(shape: readonly number[], strides: readonly number[]): Int32Array {
  const rank = shape.length;
  let size = 1;
  for (const d of shape) size *= d;
  const offsets = new Int32Array(size);
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < size; i++) {
    offsets[i] = offset;
    // Advance the multi-index like an odometer: last axis fastest, carrying into the previous.
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      offset += strides[k];
      if (index[k] < shape[k]) break;
      offset -= strides[k] * shape[k];
      index[k] = 0;
    }
  }
  return offsets;
}
