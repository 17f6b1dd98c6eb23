/**
 * Hyper-parameter checks shared by the optimizers and schedules. Each throws a RangeError that
 * names the owner, the option and the value: `Adam: beta1 must be in [0, 1), got 1.2`.
 */
import { describe } from './state-json.js';

/** A finite number, any sign. */
export function checkNumber(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number') {
    throw new RangeError(`${where}: ${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isFinite(value))
    throw new RangeError(`${where}: ${name} must be finite, got ${value}`);
  return value;
}

/** A finite number >= 0. */
export function checkNonNegative(value: unknown, name: string, where: string): number {
  const x = checkNumber(value, name, where);
  if (x < 0) throw new RangeError(`${where}: ${name} must be >= 0, got ${x}`);
  return x;
}

/** A finite number > 0. */
export function checkPositive(value: unknown, name: string, where: string): number {
  const x = checkNumber(value, name, where);
  if (x <= 0) throw new RangeError(`${where}: ${name} must be > 0, got ${x}`);
  return x;
}

/** A number in [low, high) or, with `closed`, [low, high]. */
export function checkInRange(
  value: unknown,
  name: string,
  where: string,
  low: number,
  high: number,
  closed = false,
): number {
  const x = checkNumber(value, name, where);
  if (x < low || (closed ? x > high : x >= high)) {
    throw new RangeError(
      `${where}: ${name} must be in [${low}, ${high}${closed ? ']' : ')'}, got ${x}`,
    );
  }
  return x;
}

/** An integer >= min. */
export function checkInteger(value: unknown, name: string, where: string, min: number): number {
  const x = checkNumber(value, name, where);
  if (!Number.isInteger(x) || x < min) {
    throw new RangeError(`${where}: ${name} must be an integer >= ${min}, got ${x}`);
  }
  return x;
}

export function checkBoolean(value: unknown, name: string, where: string): boolean {
  if (typeof value !== 'boolean') {
    throw new RangeError(`${where}: ${name} must be true or false, got ${describe(value)}`);
  }
  return value;
}

/** One of a list of string choices. */
export function checkChoice<T extends string>(
  value: unknown,
  name: string,
  where: string,
  choices: readonly T[],
): T {
  const found = choices.find((c) => c === value);
  if (found === undefined) {
    throw new RangeError(
      `${where}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`,
    );
  }
  return found;
}

/**
 * A per-group value: one number for every group, or an array with one entry per group
 * (as PyTorch's schedules accept for max_lr, min_lr, momentum).
 */
export function perGroup(
  value: number | readonly number[],
  groups: number,
  name: string,
  where: string,
): number[] {
  if (typeof value === 'number') return new Array<number>(groups).fill(value);
  if (value.length !== groups) {
    throw new RangeError(
      `${where}: ${name} has ${value.length} values, but the optimizer has ${groups} param groups`,
    );
  }
  return [...value];
}
