/**
 * The safetensors format (Hugging Face), read and written exactly as its specification says:
 *
 *   bytes 0..8       N, the header length: an unsigned 64-bit little-endian integer
 *   bytes 8..8+N     the header: UTF-8 JSON, starting with '{', optionally padded with spaces
 *                    { "__metadata__": { string: string },            (optional)
 *                      name: { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] },
 *                      ... }
 *   bytes 8+N..      the byte buffer; each tensor's bytes are buffer[begin, end), row-major,
 *                    little-endian, and the tensors cover the buffer exactly: no gaps, no
 *                    overlaps, nothing after the last one.
 *
 * Writing (encodeSafetensors) follows the reference implementation (the Rust crate behind the
 * Python `safetensors` package) byte for byte: "__metadata__" first, then the tensors in
 * descending dtype order (F64 before F32) and by name, their bytes in the same order (so every
 * tensor is aligned to its element size), and the header padded with spaces to a multiple of 8
 * bytes. A convnet-ts tensor is float32 or float64, so files are written as F32 and F64.
 *
 * Reading (decodeSafetensors) trusts nothing in the file. It rejects, with a SafetensorsError
 * that names the source and the problem: a file shorter than 8 bytes; a header length beyond
 * the file or beyond 100 MB (the reference's cap); a header that is not UTF-8, not JSON, not an
 * object, or has a duplicate key; an entry that is not { dtype, shape, data_offsets }; an
 * unknown or unsupported dtype; a shape that is not an array of non-negative safe integers; data
 * offsets that are not [begin, end] integers with begin <= end <= the buffer's length; a byte
 * size other than product(shape) * the dtype's size; ranges that overlap, leave a gap or leave
 * trailing bytes; metadata that is not an object of strings; and integer or boolean values a
 * float64 cannot hold exactly. Anything else it accepts is decoded into new tensors that share
 * no memory with the input.
 *
 * dtypes read: F64 and F32 as themselves; F16 and BF16 as float32 (exact); I8, I16, I32, U8,
 * U16, U32, BOOL, and I64 and U64 values within +-2^53, as float64 (exact), so a PyTorch state
 * dict with its int64 `num_batches_tracked` loads. The 8-, 6- and 4-bit floats and C64 are
 * valid safetensors dtypes this library does not read; they are rejected by name.
 *
 * Bytes in, bytes out: this file touches no file system, so a browser page reads and writes the
 * same files. readSafetensors and writeSafetensors, the Node file helpers, are in
 * safetensors-file.ts.
 */
import { Tensor, formatShape, type DType, type FloatArray } from '../tensor.js';
import { JsonParseError, parseJson, type JsonValue } from './json.js';
import {
  DTYPES,
  LITTLE_ENDIAN,
  UNSUPPORTED_DTYPES,
  isSupportedDType,
  writeLittleEndian,
  type SafetensorsDType,
} from './safetensors-dtypes.js';

export type { SafetensorsDType } from './safetensors-dtypes.js';

/** Tensors to write, by name: a plain object or a Map. */
export type TensorDict = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

export interface DecodeSafetensorsOptions {
  /** Names the data in error messages: the file path it was read from. */
  source?: string;
}

export interface DecodedSafetensors {
  /** The tensors, in the order of their bytes in the file. */
  tensors: Map<string, Tensor>;
  /** The "__metadata__" strings; empty when the file has none. */
  metadata: Record<string, string>;
  /** The dtype each tensor had in the file (integers and halves are widened on reading). */
  dtypes: Map<string, SafetensorsDType>;
}

/** A safetensors file or buffer that cannot be written or read; the message names the source. */
export class SafetensorsError extends Error {
  readonly source: string;
  /** The message without the source. */
  readonly problem: string;

  constructor(source: string, problem: string, options?: ErrorOptions) {
    super(`${source}: ${problem}`, options);
    this.name = 'SafetensorsError';
    this.source = source;
    this.problem = problem;
  }
}

/** The reference implementation's cap on the header length. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';
const ENTRY_KEYS = ['dtype', 'shape', 'data_offsets'];

/**
 * Encodes tensors (float32 as F32, float64 as F64) and optional string metadata as a
 * safetensors file, laid out as the reference implementation lays it out.
 */
export function encodeSafetensors(
  tensors: TensorDict,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const where = 'encodeSafetensors';
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  for (const [name, tensor] of entries) {
    if (!(tensor instanceof Tensor)) {
      throw new SafetensorsError(where, `${JSON.stringify(name)} is not a Tensor`);
    }
    checkName(name, `tensor name ${JSON.stringify(name)}`, where);
    if (name === METADATA_KEY) {
      throw new SafetensorsError(
        where,
        `a tensor cannot be named "${METADATA_KEY}" (the key is reserved for metadata)`,
      );
    }
  }
  const sorted = entries
    .map(([name, tensor]) => ({ name, tensor, dtype: tensor.dtype === 'float64' ? 'F64' : 'F32' }))
    .sort(
      (a, b) =>
        b.tensor.data.BYTES_PER_ELEMENT - a.tensor.data.BYTES_PER_ELEMENT ||
        compareCodePoints(a.name, b.name),
    );

  const members: string[] = [];
  if (metadata !== undefined) members.push(`"${METADATA_KEY}":${metadataJson(metadata, where)}`);
  let offset = 0;
  for (const { name, tensor, dtype } of sorted) {
    const end = offset + tensor.data.byteLength;
    const info = `{"dtype":"${dtype}","shape":${JSON.stringify(tensor.shape)},"data_offsets":[${offset},${end}]}`;
    members.push(`${JSON.stringify(name)}:${info}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${members.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new SafetensorsError(
      where,
      `the header would be ${headerLength} bytes, over the ${MAX_HEADER_BYTES}-byte limit readers accept`,
    );
  }

  const total = 8 + headerLength + offset;
  let out: Uint8Array;
  try {
    out = new Uint8Array(total);
  } catch (error) {
    throw new SafetensorsError(where, `cannot allocate ${total} bytes for the file`, {
      cause: error,
    });
  }
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const { tensor } of sorted) {
    writeLittleEndian(out, view, at, tensor.data);
    at += tensor.data.byteLength;
  }
  return out;
}

/**
 * Decodes a safetensors file, validating all of it (see the file's comment); throws a
 * SafetensorsError naming options.source and the problem.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  { source = 'safetensors data' }: DecodeSafetensorsOptions = {},
): DecodedSafetensors {
  const fail: Fail = (problem, cause) => {
    throw new SafetensorsError(source, problem, cause === undefined ? undefined : { cause });
  };
  if (!(bytes instanceof Uint8Array)) fail('expected the file contents as a Uint8Array');
  if (bytes.length < 8) {
    fail(
      `file is ${bytes.length} bytes, too short for a safetensors file (the header length alone is 8 bytes)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    fail(
      `header length ${declared} exceeds the ${MAX_HEADER_BYTES}-byte limit (a corrupt or hostile file)`,
    );
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.length) {
    fail(
      `header length is ${headerLength} bytes, but only ${bytes.length - 8} bytes follow the length field (truncated file?)`,
    );
  }
  const bufferStart = 8 + headerLength;
  const bufferLength = bytes.length - bufferStart;
  if (headerLength === 0 || bytes[8] !== 0x7b) {
    fail(
      `header must start with '{', found ${headerLength === 0 ? 'an empty header' : `byte 0x${bytes[8].toString(16).padStart(2, '0')}`}`,
    );
  }

  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, bufferStart),
    );
  } catch (error) {
    fail('header is not valid UTF-8', error);
  }
  let header: JsonValue = null;
  try {
    header = parseJson(text, { maxDepth: 64 });
  } catch (error) {
    if (!(error instanceof JsonParseError)) throw error;
    fail(`header is not valid JSON: ${error.message}`, error);
  }
  if (!isObject(header)) fail('header must be a JSON object');

  let metadata: Record<string, string> = {};
  const infos: TensorInfo[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = readMetadata(value, fail);
    else infos.push(readTensorInfo(name, value, bufferLength, fail));
  }

  checkCoverage(infos, bufferLength, fail);

  const tensors = new Map<string, Tensor>();
  const dtypes = new Map<string, SafetensorsDType>();
  const bufferView = new DataView(bytes.buffer, bytes.byteOffset + bufferStart, bufferLength);
  for (const info of infos) {
    tensors.set(
      info.name,
      new Tensor(readData(info, bytes, bufferStart, bufferView, fail), info.shape),
    );
    dtypes.set(info.name, info.dtype);
  }
  return { tensors, metadata, dtypes };
}

type Fail = (problem: string, cause?: unknown) => never;

interface TensorInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

function readMetadata(value: JsonValue, fail: Fail): Record<string, string> {
  if (!isObject(value))
    fail(`"${METADATA_KEY}" must be an object of strings, got ${describe(value)}`);
  const metadata: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      fail(
        `"${METADATA_KEY}" value for ${JSON.stringify(key)} must be a string, got ${describe(item)}`,
      );
    }
    Object.defineProperty(metadata, key, {
      value: item,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return metadata;
}

function readTensorInfo(
  name: string,
  value: JsonValue,
  bufferLength: number,
  fail: Fail,
): TensorInfo {
  const where = `tensor ${JSON.stringify(name)}`;
  if (!isObject(value))
    fail(`${where}: expected an object with dtype, shape and data_offsets, got ${describe(value)}`);
  for (const key of ENTRY_KEYS) {
    if (!Object.hasOwn(value, key)) fail(`${where}: missing "${key}"`);
  }
  for (const key of Object.keys(value)) {
    if (!ENTRY_KEYS.includes(key))
      fail(`${where}: unknown field ${JSON.stringify(key)} (expected dtype, shape, data_offsets)`);
  }

  const dtype = value.dtype;
  if (typeof dtype !== 'string') fail(`${where}: dtype must be a string, got ${describe(dtype)}`);
  if (UNSUPPORTED_DTYPES.has(dtype)) {
    fail(
      `${where}: dtype ${dtype} is valid safetensors but not supported by convnet-ts (it reads ${Object.keys(DTYPES).join(', ')})`,
    );
  }
  if (!isSupportedDType(dtype))
    fail(
      `${where}: unknown dtype ${JSON.stringify(dtype)} (convnet-ts reads ${Object.keys(DTYPES).join(', ')})`,
    );

  const shape = value.shape;
  if (!Array.isArray(shape)) fail(`${where}: shape must be an array, got ${describe(shape)}`);
  const dims: number[] = [];
  shape.forEach((d, i) => {
    if (!isSafeIndex(d))
      fail(`${where}: shape[${i}] must be a non-negative integer, got ${describe(d)}`);
    dims.push(d);
  });

  const offsets = value.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    fail(`${where}: data_offsets must be [begin, end], got ${describe(offsets)}`);
  }
  const [begin, end] = offsets;
  if (!isSafeIndex(begin) || !isSafeIndex(end)) {
    fail(
      `${where}: data_offsets must be two non-negative integers, got [${describe(begin)}, ${describe(end)}]`,
    );
  }
  if (begin > end) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > bufferLength) {
    fail(
      `${where}: data_offsets [${begin}, ${end}] go past the end of the ${bufferLength}-byte data buffer (truncated file?)`,
    );
  }

  const elements = elementCount(dims);
  const expected = elements === null ? null : elements * DTYPES[dtype].bytes;
  if (expected === null || expected !== end - begin) {
    fail(
      `${where}: ${dtype} of shape ${formatShape(dims)} needs ${expected ?? 'more than 2^53'} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype, shape: dims, begin, end };
}

/** The tensors must tile [0, bufferLength) exactly, as the spec requires (no polyglot files). */
function checkCoverage(infos: TensorInfo[], bufferLength: number, fail: Fail): void {
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: TensorInfo | null = null;
  for (const info of infos) {
    if (info.begin > covered) {
      fail(
        `bytes [${covered}, ${info.begin}) of the data buffer belong to no tensor (the buffer must be fully covered)`,
      );
    }
    if (info.begin < covered && previous !== null) {
      fail(
        `tensor ${JSON.stringify(info.name)} at [${info.begin}, ${info.end}] overlaps tensor ${JSON.stringify(previous.name)} at [${previous.begin}, ${previous.end}]`,
      );
    }
    covered = info.end;
    previous = info;
  }
  if (covered < bufferLength) {
    fail(
      `bytes [${covered}, ${bufferLength}) at the end of the data buffer belong to no tensor (the buffer must be fully covered)`,
    );
  }
}

function readData(
  info: TensorInfo,
  bytes: Uint8Array,
  bufferStart: number,
  view: DataView,
  fail: Fail,
): FloatArray {
  const { bytes: size, into, read } = DTYPES[info.dtype];
  const count = (info.end - info.begin) / size;
  const out = into === 'float64' ? new Float64Array(count) : new Float32Array(count);
  if (
    LITTLE_ENDIAN &&
    size === out.BYTES_PER_ELEMENT &&
    (info.dtype === 'F32' || info.dtype === 'F64')
  ) {
    new Uint8Array(out.buffer).set(
      bytes.subarray(bufferStart + info.begin, bufferStart + info.end),
    );
    return out;
  }
  for (let i = 0; i < count; i++) {
    const x = read(view, info.begin + i * size);
    if (x === null) {
      fail(
        `tensor ${JSON.stringify(info.name)}: ${info.dtype} element ${i} cannot be represented exactly as a float64 (or is not a valid ${info.dtype})`,
      );
    }
    out[i] = x;
  }
  return out;
}

function metadataJson(metadata: Readonly<Record<string, string>>, where: string): string {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError(where, 'metadata must be an object of strings');
  }
  const members = Object.entries(metadata).map(([key, value]) => {
    checkName(key, `metadata key ${JSON.stringify(key)}`, where);
    if (typeof value !== 'string') {
      throw new SafetensorsError(
        where,
        `metadata value for ${JSON.stringify(key)} must be a string, got ${describe(value)}`,
      );
    }
    checkName(value, `metadata value for ${JSON.stringify(key)}`, where);
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  return `{${members.join(',')}}`;
}

/** Strings must be well-formed Unicode: a lone surrogate has no UTF-8 encoding. */
function checkName(name: string, what: string, where: string): void {
  if (/\p{Surrogate}/u.test(name)) {
    throw new SafetensorsError(
      where,
      `${what} contains a lone UTF-16 surrogate, which UTF-8 cannot encode`,
    );
  }
}

/** Orders by Unicode code point, which is UTF-8 byte order (Rust's and Python's string order). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) ?? 0) - (y[i].codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** product(shape), or null when it exceeds 2^53 (no file that size can exist). */
function elementCount(shape: number[]): number | null {
  if (shape.includes(0)) return 0;
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count > Number.MAX_SAFE_INTEGER) return null;
  }
  return count;
}

function isSafeIndex(value: JsonValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
