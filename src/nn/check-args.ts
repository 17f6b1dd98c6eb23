/**
 * Constructor argument checks that only layers make (probabilities, finite slopes): each
 * returns the checked value or throws a RangeError naming the layer, the argument and the value.
 * Checks that an op makes as well (kernel sizes, strides, groups, pool padding) are the op's
 * own validators in src/shape/, which layers call directly, so that each condition has one
 * error class and one message.
 */

// The integer and pair checks live in src/shape/shape-error.ts; re-exported for the presets.
export { checkInteger, checkPair, formatPair } from '../shape/shape-error.js';

/** A probability in [0, 1]. */
export function checkProbability(value: number, name: string, layer: string): number {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${layer}: ${name} must be a probability in [0, 1], got ${value}`);
  }
  return value;
}

/** A finite number. */
export function checkFinite(value: number, name: string, layer: string): number {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${layer}: ${name} must be a finite number, got ${value}`);
  }
  return value;
}
