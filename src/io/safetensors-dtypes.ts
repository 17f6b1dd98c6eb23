/**
 * The safetensors element types: each one's size, the convnet-ts dtype it is read into, and how
 * one element is read exactly (or refused, where a float64 cannot hold it); little-endian
 * writing. The format itself is in safetensors.ts.
 */
import type { DType, FloatArray } from '../tensor.js';

/** The dtypes decodeSafetensors reads. encodeSafetensors writes F32 and F64. */
export type SafetensorsDType =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

export interface DTypeInfo {
  bytes: number;
  /** The convnet-ts dtype it is read into. */
  into: DType;
  /** Reads element i (of `bytes` bytes, little-endian) at byteOffset; null if not exact. */
  read: (view: DataView, byteOffset: number) => number | null;
}

export const DTYPES: Record<SafetensorsDType, DTypeInfo> = {
  F64: { bytes: 8, into: 'float64', read: (v, o) => v.getFloat64(o, true) },
  F32: { bytes: 4, into: 'float32', read: (v, o) => v.getFloat32(o, true) },
  F16: { bytes: 2, into: 'float32', read: (v, o) => halfToNumber(v.getUint16(o, true)) },
  BF16: { bytes: 2, into: 'float32', read: (v, o) => bfloat16ToNumber(v.getUint16(o, true)) },
  I64: { bytes: 8, into: 'float64', read: (v, o) => exactInteger(v.getBigInt64(o, true)) },
  I32: { bytes: 4, into: 'float64', read: (v, o) => v.getInt32(o, true) },
  I16: { bytes: 2, into: 'float64', read: (v, o) => v.getInt16(o, true) },
  I8: { bytes: 1, into: 'float64', read: (v, o) => v.getInt8(o) },
  U64: { bytes: 8, into: 'float64', read: (v, o) => exactInteger(v.getBigUint64(o, true)) },
  U32: { bytes: 4, into: 'float64', read: (v, o) => v.getUint32(o, true) },
  U16: { bytes: 2, into: 'float64', read: (v, o) => v.getUint16(o, true) },
  U8: { bytes: 1, into: 'float64', read: (v, o) => v.getUint8(o) },
  BOOL: { bytes: 1, into: 'float64', read: (v, o) => (v.getUint8(o) <= 1 ? v.getUint8(o) : null) },
};

/** Valid in the safetensors specification, but not read by convnet-ts. */
export const UNSUPPORTED_DTYPES = new Set([
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F8_E4M3FNUZ',
  'F8_E5M2FNUZ',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'C64',
]);

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function isSupportedDType(dtype: string): dtype is SafetensorsDType {
  return Object.hasOwn(DTYPES, dtype);
}

/** Copies a typed array's values into out at byte offset `at`, little-endian. */
export function writeLittleEndian(
  out: Uint8Array,
  view: DataView,
  at: number,
  data: FloatArray,
): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return;
  }
  const size = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (size === 8) view.setFloat64(at + 8 * i, data[i], true);
    else view.setFloat32(at + 4 * i, data[i], true);
  }
}

function exactInteger(value: bigint): number | null {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return value > max || value < -max ? null : Number(value);
}

/** IEEE 754 binary16 bits to a number (exact). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits (the top half of a float32) to a number (exact). */
function bfloat16ToNumber(bits: number): number {
  const scratch = new DataView(new ArrayBuffer(4));
  scratch.setUint32(0, bits << 16);
  return scratch.getFloat32(0);
}
