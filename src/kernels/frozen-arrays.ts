/**
 * Arrays promised constant: the parameters of a frozen module (Module.freeze). A kernel may keep
 * what it derives from such an array (the fast backend's transformed Winograd filters) and check
 * once per freeze, instead of on every call, that the array is what it was derived from. Each
 * freeze gets its own number, so a check made under an earlier freeze does not count.
 */
import type { FloatArray } from '../tensor.js';

const frozen = new WeakMap<FloatArray, number>();
let freezes = 0;

/** Marks `values` constant until thawArray; returns the freeze's number. */
export function freezeArray(values: FloatArray): number {
  freezes += 1;
  frozen.set(values, freezes);
  return freezes;
}

/** Ends the promise: `values` may change again. */
export function thawArray(values: FloatArray): void {
  frozen.delete(values);
}

/** The number of the freeze `values` is under, or 0 if it is not frozen. */
export function frozenSince(values: FloatArray): number {
  return frozen.get(values) ?? 0;
}
