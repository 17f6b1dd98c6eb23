/**
 * Weights must be finite: the readers and writers of model files and checkpoints refuse a
 * tensor holding a NaN or an infinity, naming the tensor and the first bad element, so a
 * diverged or corrupted model is stopped when it is loaded, not at its first prediction.
 */
import type { NamedTensor } from '../nn/module.js';
import type { Tensor } from '../tensor.js';
import { findNonFinite } from '../train/non-finite.js';

/** "tensor NAME has a non-finite value (NaN) at index 17", or null when every value is finite. */
export function nonFiniteTensorProblem(
  tensors: Iterable<readonly [string, Tensor]>,
): string | null {
  const named: NamedTensor[] = [];
  for (const [name, tensor] of tensors) named.push([name, tensor]);
  const found = findNonFinite(named, 'value');
  if (found === null) return null;
  return `tensor ${found.parameter} has a non-finite value (${found.value}) at index ${found.index} of ${found.size}`;
}
