/**
 * The subset of the ONNX protobuf schema (onnx/onnx.proto, proto2) that convnet-ts reads and
 * writes, as a protobufjs reflection descriptor: messages, field names (camelCase) and the
 * specification's field numbers. Fields a file may hold that are not listed here are skipped
 * on reading (protobuf's rule), so files from newer ONNX versions still decode. Messages that
 * nest graphs (subgraph attributes, sequence types) are left out, so the schema has no
 * recursion and a hostile file cannot nest messages without bound.
 *
 * protobufjs/light has no file system or parser: it runs in the browser too.
 */
import protobuf from 'protobufjs/light.js';

/** TensorProto.DataType values that convnet-ts meets. */
export const ONNX_DTYPE = Object.freeze({
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
});

/** AttributeProto.AttributeType values. */
export const ONNX_ATTRIBUTE_TYPE = Object.freeze({
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
});

/** TensorProto.DataLocation EXTERNAL: the data lives in another file. */
export const ONNX_DATA_LOCATION_EXTERNAL = 1;

export interface OnnxStringEntry {
  key?: string;
  value?: string;
}

export interface OnnxTensor {
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  name?: string;
  rawData?: Uint8Array;
  externalData?: OnnxStringEntry[];
  dataLocation?: number;
}

export interface OnnxAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface OnnxNode {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: OnnxAttribute[];
  docString?: string;
}

export interface OnnxDimension {
  dimValue?: number;
  dimParam?: string;
}

export interface OnnxValueInfo {
  name?: string;
  type?: {
    tensorType?: { elemType?: number; shape?: { dim?: OnnxDimension[] } };
  };
  docString?: string;
}

export interface OnnxGraph {
  node?: OnnxNode[];
  name?: string;
  initializer?: OnnxTensor[];
  docString?: string;
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
}

export interface OnnxOpsetId {
  domain?: string;
  version?: number;
}

export interface OnnxModel {
  irVersion?: number;
  opsetImport?: OnnxOpsetId[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: OnnxGraph;
  metadataProps?: OnnxStringEntry[];
}

type FieldRule = 'repeated' | undefined;

/** One field: its type, number, and rule; packed for the fields onnx.proto marks [packed = true]. */
function field(type: string, id: number, rule?: FieldRule, packed = false) {
  return {
    type,
    id,
    ...(rule === undefined ? {} : { rule }),
    ...(rule === 'repeated' ? { options: { packed } } : {}),
  };
}

const REPEATED = 'repeated' as const;

/** The descriptor: package onnx, field numbers as onnx.proto gives them. */
const DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: {
          fields: { key: field('string', 1), value: field('string', 2) },
        },
        TensorProto: {
          fields: {
            dims: field('int64', 1, REPEATED),
            dataType: field('int32', 2),
            floatData: field('float', 4, REPEATED, true),
            int32Data: field('int32', 5, REPEATED, true),
            int64Data: field('int64', 7, REPEATED, true),
            name: field('string', 8),
            rawData: field('bytes', 9),
            doubleData: field('double', 10, REPEATED, true),
            docString: field('string', 12),
            externalData: field('StringStringEntryProto', 13, REPEATED),
            dataLocation: field('int32', 14),
          },
        },
        AttributeProto: {
          fields: {
            name: field('string', 1),
            f: field('float', 2),
            i: field('int64', 3),
            s: field('bytes', 4),
            t: field('TensorProto', 5),
            floats: field('float', 7, REPEATED),
            ints: field('int64', 8, REPEATED),
            strings: field('bytes', 9, REPEATED),
            docString: field('string', 13),
            type: field('int32', 20),
          },
        },
        NodeProto: {
          fields: {
            input: field('string', 1, REPEATED),
            output: field('string', 2, REPEATED),
            name: field('string', 3),
            opType: field('string', 4),
            attribute: field('AttributeProto', 5, REPEATED),
            docString: field('string', 6),
            domain: field('string', 7),
          },
        },
        TensorShapeProto: {
          fields: { dim: field('Dimension', 1, REPEATED) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: field('int64', 1),
                dimParam: field('string', 2),
                denotation: field('string', 3),
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: {
            tensorType: field('Tensor', 1),
            denotation: field('string', 6),
          },
          nested: {
            Tensor: {
              fields: {
                elemType: field('int32', 1),
                shape: field('TensorShapeProto', 2),
              },
            },
          },
        },
        ValueInfoProto: {
          fields: {
            name: field('string', 1),
            type: field('TypeProto', 2),
            docString: field('string', 3),
          },
        },
        GraphProto: {
          fields: {
            node: field('NodeProto', 1, REPEATED),
            name: field('string', 2),
            initializer: field('TensorProto', 5, REPEATED),
            docString: field('string', 10),
            input: field('ValueInfoProto', 11, REPEATED),
            output: field('ValueInfoProto', 12, REPEATED),
            valueInfo: field('ValueInfoProto', 13, REPEATED),
          },
        },
        OperatorSetIdProto: {
          fields: { domain: field('string', 1), version: field('int64', 2) },
        },
        ModelProto: {
          fields: {
            irVersion: field('int64', 1),
            producerName: field('string', 2),
            producerVersion: field('string', 3),
            domain: field('string', 4),
            modelVersion: field('int64', 5),
            docString: field('string', 6),
            graph: field('GraphProto', 7),
            opsetImport: field('OperatorSetIdProto', 8, REPEATED),
            metadataProps: field('StringStringEntryProto', 14, REPEATED),
          },
        },
      },
    },
  },
};

let modelType: protobuf.Type | null = null;

/** The ModelProto message type, built once from the descriptor. */
function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(DESCRIPTOR).lookupType('onnx.ModelProto');
  return modelType;
}

/** A model as protobuf bytes. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const type = modelProto();
  return type.encode(type.fromObject(model)).finish();
}

/**
 * Decodes protobuf bytes as a ModelProto: 64-bit integers as numbers, repeated fields as
 * arrays (empty when absent). Throws protobufjs's error on bytes that are not a valid encoding.
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const type = modelProto();
  const message = type.decode(bytes);
  return type.toObject(message, { longs: Number, arrays: true, defaults: false }) as OnnxModel;
}
