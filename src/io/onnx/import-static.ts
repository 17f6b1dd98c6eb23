/**
 * The static part of an ONNX graph being imported: values known without the input's data.
 * Initializers and Constant nodes are numbers; Shape(x) is x's shape with the batch axis as the
 * symbol 'N'; and the small integer ops exporters build shapes with (Gather, Unsqueeze, Slice,
 * Concat, Cast, Identity) are evaluated here, so that PyTorch's `Reshape(x, Concat(Shape(x)[0],
 * -1))` and `Resize(x, sizes = Concat(Shape(x)[0:2], [OH, OW]))` read as constants.
 */
import type { Shape } from '../../tensor.js';
import type { AttributeReader } from './onnx-attributes.js';
import type { OnnxNode } from './onnx-proto.js';
import { ONNX_DTYPE } from './onnx-proto.js';
import { readTensorProto } from './onnx-tensor.js';

/** One integer of a static value: a number, or the batch size 'N'. */
export type Dim = number | 'N';

export type StaticValue =
  | { kind: 'float'; dims: number[]; data: Float32Array }
  | { kind: 'int'; dims: number[]; data: Dim[] };

/** The ops evaluate() knows. */
export const STATIC_OPS = [
  'Constant',
  'Identity',
  'Shape',
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Slice',
  'Concat',
  'Cast',
] as const;

export interface StaticNode {
  node: OnnxNode;
  attributes: AttributeReader;
  /** The node's inputs: a static value, '' for an absent optional input. */
  inputs: readonly (StaticValue | '')[];
  /** Shape(x) of a dynamic x: its shape for one example, the batch axis first. */
  dynamicShape: Shape | null;
  fail(problem: string): never;
}

function ints(
  value: StaticValue | '' | undefined,
  what: string,
  fail: (p: string) => never,
): Dim[] {
  if (value === undefined || value === '' || value.kind !== 'int') {
    return fail(`${what} must be a constant list of integers`);
  }
  return value.data;
}

function numbers(
  value: StaticValue | '' | undefined,
  what: string,
  fail: (p: string) => never,
): number[] {
  const data = ints(value, what, fail);
  if (data.some((d) => d === 'N')) fail(`${what} must not depend on the batch size`);
  return data as number[];
}

const vector = (data: Dim[]): StaticValue => ({ kind: 'int', dims: [data.length], data });

/** Clamps a Slice bound as ONNX does (negative counts from the end). */
function bound(value: number, length: number): number {
  const v = value < 0 ? value + length : value;
  return Math.min(Math.max(v, 0), length);
}

export function evaluateStatic({
  node,
  attributes,
  inputs,
  dynamicShape,
  fail,
}: StaticNode): StaticValue {
  const first = inputs[0];
  const firstValue = (): StaticValue => {
    if (first === undefined || first === '') return fail('has no input');
    return first;
  };
  switch (node.opType) {
    case 'Constant': {
      const tensor = attributes.tensor('value');
      if (tensor !== undefined) return readTensorProto(tensor, (p) => fail(`value ${p}`));
      if (attributes.has('value_float')) {
        return {
          kind: 'float',
          dims: [],
          data: Float32Array.of(attributes.float('value_float', 0)),
        };
      }
      if (attributes.has('value_floats')) {
        const data = Float32Array.from(attributes.floats('value_floats', []));
        return { kind: 'float', dims: [data.length], data };
      }
      if (attributes.has('value_int')) {
        return { kind: 'int', dims: [], data: [attributes.int('value_int', 0)] };
      }
      if (attributes.has('value_ints')) return vector(attributes.ints('value_ints', []));
      return fail(
        'has none of value, value_float(s), value_int(s) (sparse and string constants are not supported)',
      );
    }
    case 'Identity':
      return firstValue();
    case 'Shape': {
      if (dynamicShape === null) return fail('takes a value whose shape is unknown');
      const rank = dynamicShape.length;
      const start = bound(attributes.int('start', 0), rank);
      const end = bound(attributes.int('end', rank), rank);
      const dims: Dim[] = dynamicShape.map((d, i) => (i === 0 ? 'N' : d));
      return vector(dims.slice(start, end));
    }
    case 'Gather': {
      const data = ints(first, 'the data', fail);
      attributes.intOneOf('axis', 0, [0]);
      const indices = inputs[1];
      const at = numbers(indices, 'the indices', fail).map((i) => {
        const k = i < 0 ? i + data.length : i;
        if (k < 0 || k >= data.length) fail(`index ${i} is out of range for ${data.length} values`);
        return data[k];
      });
      return indices !== '' && indices !== undefined && indices.dims.length === 0
        ? { kind: 'int', dims: [], data: at }
        : vector(at);
    }
    case 'Unsqueeze': {
      const value = firstValue();
      const axes = numbers(inputs[1], 'the axes', fail);
      if (value.dims.length === 0 && axes.length === 1 && (axes[0] === 0 || axes[0] === -1)) {
        return { ...value, dims: [1] } as StaticValue;
      }
      return fail('is supported on a scalar only (axes [0])');
    }
    case 'Squeeze': {
      const value = firstValue();
      if (value.dims.length === 1 && value.dims[0] === 1)
        return { ...value, dims: [] } as StaticValue;
      return fail('is supported on a single value only');
    }
    case 'Slice': {
      const data = ints(first, 'the data', fail);
      const [start] = numbers(inputs[1], 'starts', fail);
      const [end] = numbers(inputs[2], 'ends', fail);
      const axes =
        inputs[3] === undefined || inputs[3] === '' ? [0] : numbers(inputs[3], 'axes', fail);
      const steps =
        inputs[4] === undefined || inputs[4] === '' ? [1] : numbers(inputs[4], 'steps', fail);
      if (axes.length !== 1 || (axes[0] !== 0 && axes[0] !== -1) || steps[0] !== 1) {
        return fail('is supported along axis 0 with step 1 only');
      }
      return vector(data.slice(bound(start, data.length), bound(end, data.length)));
    }
    case 'Concat': {
      attributes.intOneOf('axis', 0, [0, -1]);
      const parts = inputs.map((v, i) => ints(v, `input ${i}`, fail));
      return vector(parts.flat());
    }
    case 'Cast': {
      const to = attributes.intOneOf('to', ONNX_DTYPE.INT64, [
        ONNX_DTYPE.INT64,
        ONNX_DTYPE.INT32,
        ONNX_DTYPE.FLOAT,
      ]);
      const value = firstValue();
      if (to === ONNX_DTYPE.FLOAT) {
        if (value.kind === 'float') return value;
        return {
          kind: 'float',
          dims: value.dims,
          data: Float32Array.from(numbers(value, 'the input', fail)),
        };
      }
      if (value.kind === 'int') return value;
      return { kind: 'int', dims: value.dims, data: Array.from(value.data, Math.trunc) };
    }
    default:
      return fail(`is not supported on constants (supported: ${STATIC_OPS.join(', ')})`);
  }
}
