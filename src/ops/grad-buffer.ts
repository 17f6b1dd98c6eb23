/**
 * Gradient buffers for op backward closures: a zero tensor shaped like the input, or null when
 * the input needs no gradient (so the op skips that kernel, or passes null to a kernel that
 * takes nullable outputs).
 */
import { Tensor, type FloatArray } from '../tensor.js';

/** A zero tensor of input's shape and dtype, or null when input does not require grad. */
export function gradBuffer(input: Tensor): Tensor | null {
  return input.requiresGrad ? Tensor.zeros(input.shape, input.dtype) : null;
}

/** gradBuffer(input), filled by compute when it exists. */
export function gradFor(input: Tensor, compute: (d: FloatArray) => void): Tensor | null {
  const d = gradBuffer(input);
  if (d !== null) compute(d.data);
  return d;
}
