/**
 * The error class of impossible geometry and the argument checks every geometry family and
 * every layer share, so that one condition has one class and one message wherever it is caught:
 *
 * - ShapeError: a tensor's shape does not fit (wrong rank, channels that do not match or do not
 *   split into groups, a kernel larger than its input, an empty output).
 * - RangeError: a hyper-parameter is out of range whatever the input (a stride of 0, negative
 *   padding, a fractional kernel size), thrown by checkInteger and checkPair.
 *
 * ShapeError extends RangeError, so `catch (e) { if (e instanceof RangeError) ... }` takes both.
 */
import { formatShape, type Shape } from './shape.js';

/** Thrown for any impossible geometry; the message names the offending numbers. */
export class ShapeError extends RangeError {
  override name = 'ShapeError';
}

/** A value given once for both axes, or as [height, width]. */
export type Pair = number | readonly [number, number];

/** "(3,3)": a pair as layers and messages print it. */
export function formatPair([h, w]: readonly [number, number]): string {
  return `(${h},${w})`;
}

/** An integer >= min, or a RangeError naming the op (or layer), the argument and the value. */
export function checkInteger(value: number, name: string, op: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** A number, or [height, width], of integers >= min, as [height, width]; else a RangeError. */
export function checkPair(value: Pair, name: string, op: string, min = 1): [number, number] {
  const [h, w] = typeof value === 'number' ? [value, value] : value;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < min || w < min) {
    const shown = typeof value === 'number' ? `${value}` : `(${value.join(',')})`;
    throw new RangeError(`${op}: ${name} must be integers >= ${min}, got ${shown}`);
  }
  return [h, w];
}

/** Throws a ShapeError unless the shape has `rank` positive integer sizes, e.g. (N,C,H,W). */
export function requireRank(
  shape: Shape,
  rank: number,
  what: string,
  op: string,
  letters: string,
): void {
  if (shape.length !== rank) {
    throw new ShapeError(
      `${op}: ${what} must have ${rank} dimensions ${letters}, got shape ${formatShape(shape)}`,
    );
  }
  for (let i = 0; i < rank; i++) {
    if (!Number.isInteger(shape[i]) || shape[i] < 1) {
      throw new ShapeError(
        `${op}: ${what} shape ${formatShape(shape)} must have positive integer sizes`,
      );
    }
  }
}

/** Throws a ShapeError unless the two shapes are equal; names the op and both operands. */
export function requireSameShape(
  aShape: Shape,
  bShape: Shape,
  op: string,
  aName = 'input',
  bName = 'target',
): void {
  if (aShape.length !== bShape.length || aShape.some((d, i) => d !== bShape[i])) {
    throw new ShapeError(
      `${op}: ${aName} ${formatShape(aShape)} and ${bName} ${formatShape(bShape)} must have the same shape`,
    );
  }
}
