/**
 * Shapes as plain data: the leaf module that tensor.ts, autograd.ts and the geometry families
 * (src/shape/*.ts) share. It imports nothing, so any module may depend on it without a cycle.
 */

/** The sizes of a tensor's axes, outermost first (row-major). */
export type Shape = readonly number[];

/** The number of elements in a tensor of this shape. */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (let i = 0; i < shape.length; i++) size *= shape[i];
  return size;
}

/** (2,3): a shape as every error message prints it. */
export function formatShape(shape: Shape): string {
  return `(${shape.join(',')})`;
}

/**
 * Row-major strides of a shape: how far one step along each axis moves in the flat data.
 * strides[k] = shape[k+1] * shape[k+2] * ... (1 for the last axis).
 */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}
