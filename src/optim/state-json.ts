/**
 * Plain-JSON state for optimizers and schedules: how numbers and buffers are written, and the
 * strict readers that loadStateDict uses to reject anything malformed with a message that says
 * where it is.
 *
 * JSON has no NaN or Infinity (JSON.stringify turns them into null), so non-finite numbers are
 * spelled as the strings 'NaN', 'Infinity' and '-Infinity'. Finite numbers are written as they
 * are: JSON.stringify prints the shortest string that parses back to the same double, so a
 * float64 (and a fortiori a float32) value survives a round trip bit for bit.
 */
import type { JsonValue } from '../io/json.js';
import { formatShape, sizeOf, type FloatArray, type Shape } from '../tensor.js';

/** A number as JSON: finite numbers as themselves, the others spelled out. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** A per-parameter buffer (momentum, Adam moments): its shape and its values, row-major. */
export interface BufferJson {
  [key: string]: JsonValue;
  shape: number[];
  data: JsonNumber[];
}

export function encodeNumber(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  throw new TypeError(`${where} must be a number, got ${describe(value)}`);
}

export function encodeBuffer(data: FloatArray, shape: Shape): BufferJson {
  return { shape: [...shape], data: Array.from(data, encodeNumber) };
}

/**
 * Reads a buffer that must have exactly the parameter's shape, into a new array of the
 * parameter's dtype (so a loaded state never shares memory with the JSON it came from).
 */
export function decodeBuffer(
  value: unknown,
  like: { data: FloatArray; shape: Shape },
  where: string,
): FloatArray {
  const obj = readObject(value, where);
  checkKeys(obj, ['shape', 'data'], where);
  const shape = readIntegerArray(obj.shape, `${where}.shape`);
  if (shape.length !== like.shape.length || shape.some((d, i) => d !== like.shape[i])) {
    throw new RangeError(
      `${where} has shape ${formatShape(shape)}, but the parameter has shape ${formatShape(like.shape)}`,
    );
  }
  if (!Array.isArray(obj.data)) {
    throw new TypeError(`${where}.data must be an array, got ${describe(obj.data)}`);
  }
  if (obj.data.length !== sizeOf(shape)) {
    throw new RangeError(
      `${where}.data has ${obj.data.length} values, but shape ${formatShape(shape)} needs ${sizeOf(shape)}`,
    );
  }
  const out =
    like.data instanceof Float64Array
      ? new Float64Array(obj.data.length)
      : new Float32Array(obj.data.length);
  obj.data.forEach((v, i) => {
    out[i] = decodeNumber(v, `${where}.data[${i}]`);
  });
  return out;
}

export function readObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where} must be an object, got ${describe(value)}`);
  }
  return Object.fromEntries(Object.entries(value));
}

export function readArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value))
    throw new TypeError(`${where} must be an array, got ${describe(value)}`);
  return value;
}

/** Rejects missing and unknown keys, so a typo or a state dict from another version is caught. */
export function checkKeys(
  obj: Record<string, unknown>,
  keys: readonly string[],
  where: string,
): void {
  for (const key of keys) {
    if (!(key in obj)) throw new TypeError(`${where} is missing "${key}"`);
  }
  for (const key of Object.keys(obj)) {
    if (!keys.includes(key)) {
      throw new TypeError(`${where} has an unknown key "${key}" (expected ${keys.join(', ')})`);
    }
  }
}

export function readFiniteNumber(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${where} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

export function readNonNegativeInteger(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${where} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

export function readBoolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`${where} must be a boolean, got ${describe(value)}`);
  return value;
}

export function readString(value: unknown, where: string): string {
  if (typeof value !== 'string')
    throw new TypeError(`${where} must be a string, got ${describe(value)}`);
  return value;
}

export function readIntegerArray(value: unknown, where: string): number[] {
  return readArray(value, where).map((v, i) => readNonNegativeInteger(v, `${where}[${i}]`));
}

/** An array of finite numbers with exactly `length` entries. */
export function readFiniteNumbers(value: unknown, length: number, where: string): number[] {
  const items = readArray(value, where);
  if (items.length !== length) {
    throw new RangeError(`${where} has ${items.length} entries, expected ${length}`);
  }
  return items.map((v, i) => readFiniteNumber(v, `${where}[${i}]`));
}

/** A short description of a value for error messages: the value itself when it is small. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
