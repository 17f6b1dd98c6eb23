/**
 * Gradient buffers for op backward closures: a tensor shaped like the input for a kernel to
 * overwrite (every Backend kernel overwrites its outputs, so it starts with any values: see
 * Tensor.empty), or null when the input needs no gradient (so the op skips that kernel, or
 * passes null to a kernel that takes nullable outputs).
 */
import { Tensor, type FloatArray } from '../tensor.js';

/** A tensor of input's shape and dtype for a kernel to fill, or null when input does not require grad. */
export function gradBuffer(input: Tensor): Tensor | null {
  return input.requiresGrad ? Tensor.empty(input.shape, input.dtype) : null;
}

/** gradBuffer(input), filled by compute when it exists. */
export function gradFor(input: Tensor, compute: (d: FloatArray) => void): Tensor | null {
  const d = gradBuffer(input);
  if (d !== null) compute(d.data);
  return d;
}
