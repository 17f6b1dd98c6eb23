/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), raw or gzipped.
 *
 * An IDX file is a big-endian header and a dense array:
 *
 *   bytes 0-1   0x00 0x00                 magic
 *   byte  2     data type                 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
 *                                         0x0D float32, 0x0E float64
 *   byte  3     number of dimensions D    (at least 1)
 *   4*D bytes   each dimension, uint32    e.g. (60000, 28, 28) for images, (60000) for labels
 *   then        the values, row-major, big-endian, exactly prod(dims) * size(type) bytes
 *
 * A file that starts with 1f 8b is gunzipped first. Every problem (bad magic, unknown type,
 * truncated or over-long data, corrupt gzip, labels that do not match the images) is an
 * IdxError that names the file and says what is wrong; nothing here returns partial data.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InMemoryDataset } from './dataset.js';

export type IdxDataType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData =
  Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX array: its element type, its dimensions and its values in host byte order. */
export interface IdxArray {
  type: IdxDataType;
  shape: readonly number[];
  data: IdxData;
}

/** A malformed or inconsistent IDX file; the message starts with the file's name. */
export class IdxError extends Error {
  override name = 'IdxError';
}

interface TypeInfo {
  type: IdxDataType;
  bytes: number;
}

const TYPES: ReadonlyMap<number, TypeInfo> = new Map([
  [0x08, { type: 'uint8', bytes: 1 }],
  [0x09, { type: 'int8', bytes: 1 }],
  [0x0b, { type: 'int16', bytes: 2 }],
  [0x0c, { type: 'int32', bytes: 4 }],
  [0x0d, { type: 'float32', bytes: 4 }],
  [0x0e, { type: 'float64', bytes: 8 }],
]);

/** The largest file a gzipped IDX may inflate to by default (guards against gzip bombs). */
export const IDX_MAX_BYTES = 2 ** 31;

export interface IdxReadOptions {
  /** Reject a file whose (decompressed) size exceeds this many bytes; default 2 GiB. */
  maxBytes?: number;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

function isErrorWithCode(error: unknown): error is Error & { code: unknown } {
  return error instanceof Error && 'code' in error;
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips the bytes if they are gzipped, else returns them unchanged. */
export function decompressIdx(
  bytes: Uint8Array,
  name: string,
  { maxBytes = IDX_MAX_BYTES }: IdxReadOptions = {},
): Uint8Array {
  if (!isGzip(bytes)) {
    if (bytes.length > maxBytes) {
      throw new IdxError(`${name}: file of ${bytes.length} bytes exceeds the limit of ${maxBytes}`);
    }
    return bytes;
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if (isErrorWithCode(error) && error.code === 'ERR_BUFFER_TOO_LARGE') {
      throw new IdxError(`${name}: gzip data inflates to more than the limit of ${maxBytes} bytes`);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new IdxError(`${name}: corrupt or truncated gzip data (${reason})`);
  }
}

/**
 * Parses IDX bytes (raw or gzipped). `name` is used in error messages, normally the file path.
 * The values are copied out of the file into a fresh array in host byte order.
 */
export function parseIdx(bytes: Uint8Array, name: string, options: IdxReadOptions = {}): IdxArray {
  const raw = decompressIdx(bytes, name, options);
  if (raw.length < 4) {
    throw new IdxError(`${name}: truncated: ${raw.length} bytes is too short for an IDX header`);
  }
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new IdxError(
      `${name}: bad magic number: expected 0x00 0x00 <type> <dims>, got ${hex(raw[0])} ${hex(raw[1])} (not an IDX file)`,
    );
  }
  const info = TYPES.get(raw[2]);
  if (info === undefined) {
    throw new IdxError(
      `${name}: unsupported data type ${hex(raw[2])} (IDX types are 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64)`,
    );
  }
  const rank = raw[3];
  if (rank === 0) throw new IdxError(`${name}: the header declares 0 dimensions`);
  const headerBytes = 4 + 4 * rank;
  if (raw.length < headerBytes) {
    throw new IdxError(
      `${name}: truncated header: ${rank} dimensions need ${headerBytes} bytes, got ${raw.length}`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const expected = headerBytes + count * info.bytes;
  if (raw.length < expected) {
    throw new IdxError(
      `${name}: truncated: a ${info.type} array of shape (${shape.join(',')}) needs ${expected} bytes, got ${raw.length}`,
    );
  }
  if (raw.length > expected) {
    throw new IdxError(
      `${name}: ${raw.length - expected} trailing bytes after the data (expected ${expected} bytes for a ${info.type} array of shape (${shape.join(',')}), got ${raw.length})`,
    );
  }
  return { type: info.type, shape, data: readValues(raw, headerBytes, count, info.type) };
}

function readValues(raw: Uint8Array, offset: number, count: number, type: IdxDataType): IdxData {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (type) {
    case 'uint8':
      return new Uint8Array(raw.subarray(offset, offset + count));
    case 'int8':
      return new Int8Array(
        raw.buffer.slice(raw.byteOffset + offset, raw.byteOffset + offset + count),
      );
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** Reads and parses one IDX file (raw or .gz); errors name the path. */
export function readIdxFile(path: string, options: IdxReadOptions = {}): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new IdxError(`${path}: cannot read the file (${reason})`);
  }
  return parseIdx(bytes, path, options);
}

export interface IdxDatasetOptions extends IdxReadOptions {
  /**
   * The class names, one per label value; labels must lie in [0, classNames.length). Default:
   * '0', '1', ... up to the largest label found.
   */
  classNames?: readonly string[];
}

/**
 * Builds a dataset from a parsed images array (uint8, (N,H,W)) and labels array (integers, (N)):
 * images become (N,1,H,W) float32 in [0,1]. The names are used in error messages.
 */
export function idxToDataset(
  images: IdxArray,
  labels: IdxArray,
  imagesName: string,
  labelsName: string,
  { classNames }: IdxDatasetOptions = {},
): InMemoryDataset {
  if (images.type !== 'uint8') {
    throw new IdxError(
      `${imagesName}: images must be unsigned bytes (type 0x08), got ${images.type}`,
    );
  }
  if (images.shape.length !== 3) {
    throw new IdxError(
      `${imagesName}: images must have 3 dimensions (N,H,W), got ${images.shape.length}: (${images.shape.join(',')})`,
    );
  }
  if (labels.type === 'float32' || labels.type === 'float64') {
    throw new IdxError(`${labelsName}: labels must be integers, got ${labels.type}`);
  }
  if (labels.shape.length !== 1) {
    throw new IdxError(
      `${labelsName}: labels must have 1 dimension (N), got ${labels.shape.length}: (${labels.shape.join(',')})`,
    );
  }
  const [N, H, W] = images.shape;
  if (N === 0 || H === 0 || W === 0) {
    throw new IdxError(
      `${imagesName}: holds ${N} images of ${H}x${W} pixels (shape (${images.shape.join(',')})); a dataset needs at least one image of at least 1x1`,
    );
  }
  if (labels.shape[0] !== N) {
    throw new IdxError(
      `${labelsName} holds ${labels.shape[0]} labels but ${imagesName} holds ${N} images; they must match`,
    );
  }
  const labelData = Int32Array.from(labels.data);
  const limit = classNames?.length ?? Infinity;
  let maxLabel = -1;
  for (let i = 0; i < N; i++) {
    const label = labelData[i];
    if (label < 0 || label >= limit) {
      const classes = classNames === undefined ? '' : ` for ${limit} classes`;
      throw new IdxError(
        `${labelsName}: label ${label} at index ${i} is outside [0, ${limit})${classes}`,
      );
    }
    if (label > maxLabel) maxLabel = label;
  }
  const names = classNames ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  if (names.length === 0) {
    throw new IdxError(`${labelsName}: no labels, so no classes; pass classNames`);
  }
  const pixels = new Float32Array(images.data.length);
  const bytes = images.data;
  for (let i = 0; i < pixels.length; i++) pixels[i] = bytes[i] / 255;
  return InMemoryDataset.fromArrays(pixels, [N, 1, H, W], labelData, names);
}

/**
 * Reads an images file and a labels file (raw or .gz) as one dataset: images (N,1,H,W) float32
 * in [0,1], labels checked to number N (naming both files) and to lie in range.
 */
export function readIdxDataset(
  imagesPath: string,
  labelsPath: string,
  options: IdxDatasetOptions = {},
): InMemoryDataset {
  const images = readIdxFile(imagesPath, options);
  const labels = readIdxFile(labelsPath, options);
  return idxToDataset(images, labels, imagesPath, labelsPath, options);
}

/**
 * Encodes an array as IDX bytes (uncompressed), the inverse of parseIdx. Used to write test
 * fixtures and to export data in the format other tools read.
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const entry = [...TYPES.entries()].find(([, info]) => info.type === array.type);
  if (entry === undefined) throw new IdxError(`encodeIdx: unknown type ${array.type}`);
  const [code, info] = entry;
  let count = 1;
  for (const d of array.shape) count *= d;
  if (count !== array.data.length) {
    throw new IdxError(
      `encodeIdx: shape (${array.shape.join(',')}) needs ${count} values, got ${array.data.length}`,
    );
  }
  const headerBytes = 4 + 4 * array.shape.length;
  const out = new Uint8Array(headerBytes + count * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.shape.length;
  array.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const at = headerBytes + i * info.bytes;
    const v = array.data[i];
    switch (array.type) {
      case 'uint8':
        view.setUint8(at, v);
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'int16':
        view.setInt16(at, v, false);
        break;
      case 'int32':
        view.setInt32(at, v, false);
        break;
      case 'float32':
        view.setFloat32(at, v, false);
        break;
      case 'float64':
        view.setFloat64(at, v, false);
        break;
    }
  }
  return out;
}
