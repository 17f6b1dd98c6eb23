/**
 * TensorProto <-> arrays. Writing: float32 weights as raw_data (little-endian IEEE 754, as the
 * specification requires), int64 constants as int64_data. Reading: FLOAT from raw_data or
 * float_data, DOUBLE converted to float32, INT64/INT32 from raw_data or their data fields;
 * anything else (external data, float16, strings) is an error naming the tensor.
 */
import { ONNX_DATA_LOCATION_EXTERNAL, ONNX_DTYPE, type OnnxTensor } from './onnx-proto.js';

/** The largest tensor a file may hold (float32: 1 GiB), so that dims cannot overflow. */
export const ONNX_MAX_ELEMENTS = 1 << 28;

export function floatTensorProto(
  name: string,
  dims: readonly number[],
  data: ArrayLike<number>,
): OnnxTensor {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return { name, dims: [...dims], dataType: ONNX_DTYPE.FLOAT, rawData: raw };
}

export function int64TensorProto(name: string, values: readonly number[]): OnnxTensor {
  return { name, dims: [values.length], dataType: ONNX_DTYPE.INT64, int64Data: [...values] };
}

/** A constant read from a file: float32 data, or integers (int64/int32/uint8/int8/bool). */
export type ConstantData =
  | { kind: 'float'; dims: number[]; data: Float32Array }
  | { kind: 'int'; dims: number[]; data: number[] };

function elementCount(dims: readonly number[], fail: (problem: string) => never): number {
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) fail(`has dimension ${d}`);
    count *= d;
    if (count > ONNX_MAX_ELEMENTS) fail(`has more than ${ONNX_MAX_ELEMENTS} elements`);
  }
  return count;
}

const DTYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ONNX_DTYPE).map(([name, value]) => [value, name]),
);

/** The name of a TensorProto data type, for messages. */
export function dtypeName(dataType: number | undefined): string {
  return DTYPE_NAMES[dataType ?? 0] ?? `data type ${dataType ?? 0}`;
}

/** Reads a TensorProto; fail is called (and throws) with a problem that names nothing else. */
export function readTensorProto(
  tensor: OnnxTensor,
  fail: (problem: string) => never,
): ConstantData {
  const dims = tensor.dims ?? [];
  const count = elementCount(dims, fail);
  if (tensor.dataLocation === ONNX_DATA_LOCATION_EXTERNAL || (tensor.externalData ?? []).length) {
    fail('keeps its data in an external file, which is not supported');
  }
  const raw = tensor.rawData;
  const hasRaw = raw !== undefined && raw.length > 0;
  const view = hasRaw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const expectRaw = (size: number): DataView => {
    if (view === null || raw === undefined) return fail('has no data');
    if (raw.length !== count * size) {
      fail(`has ${raw.length} bytes of raw data, expected ${count * size} for dims [${dims}]`);
    }
    return view;
  };
  const expectCount = (values: readonly number[], field: string): readonly number[] => {
    if (values.length !== count) {
      fail(`has ${values.length} values in ${field}, expected ${count} for dims [${dims}]`);
    }
    return values;
  };
  switch (tensor.dataType) {
    case ONNX_DTYPE.FLOAT: {
      if (hasRaw) {
        const v = expectRaw(4);
        const data = new Float32Array(count);
        for (let i = 0; i < count; i++) data[i] = v.getFloat32(i * 4, true);
        return { kind: 'float', dims, data };
      }
      return {
        kind: 'float',
        dims,
        data: Float32Array.from(expectCount(tensor.floatData ?? [], 'float_data')),
      };
    }
    case ONNX_DTYPE.DOUBLE: {
      if (hasRaw) {
        const v = expectRaw(8);
        const data = new Float32Array(count);
        for (let i = 0; i < count; i++) data[i] = v.getFloat64(i * 8, true);
        return { kind: 'float', dims, data };
      }
      return {
        kind: 'float',
        dims,
        data: Float32Array.from(expectCount(tensor.doubleData ?? [], 'double_data')),
      };
    }
    case ONNX_DTYPE.INT64: {
      if (hasRaw) {
        const v = expectRaw(8);
        const data: number[] = [];
        for (let i = 0; i < count; i++) data.push(Number(v.getBigInt64(i * 8, true)));
        return { kind: 'int', dims, data };
      }
      return { kind: 'int', dims, data: [...expectCount(tensor.int64Data ?? [], 'int64_data')] };
    }
    case ONNX_DTYPE.INT32: {
      if (hasRaw) {
        const v = expectRaw(4);
        const data: number[] = [];
        for (let i = 0; i < count; i++) data.push(v.getInt32(i * 4, true));
        return { kind: 'int', dims, data };
      }
      return { kind: 'int', dims, data: [...expectCount(tensor.int32Data ?? [], 'int32_data')] };
    }
    case ONNX_DTYPE.UINT8:
    case ONNX_DTYPE.INT8:
    case ONNX_DTYPE.BOOL: {
      if (hasRaw) {
        const v = expectRaw(1);
        const signed = tensor.dataType === ONNX_DTYPE.INT8;
        const data: number[] = [];
        for (let i = 0; i < count; i++) data.push(signed ? v.getInt8(i) : v.getUint8(i));
        return { kind: 'int', dims, data };
      }
      return { kind: 'int', dims, data: [...expectCount(tensor.int32Data ?? [], 'int32_data')] };
    }
    default:
      return fail(
        `has data type ${dtypeName(tensor.dataType)} (supported: FLOAT, DOUBLE, INT64, INT32, INT8, UINT8, BOOL)`,
      );
  }
}

/**
 * The shortest decimal that is the same float32 as x: a float attribute written from 1e-5
 * reads back as 1e-5, not 0.000009999999747378752.
 */
export function shortestFloat32(x: number): number {
  const single = Math.fround(x);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}
