import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportOnnx, importOnnx, OnnxError } from '../../../src/io/onnx/index.js';
import { encodeOnnxModel, type OnnxModel, type OnnxNode } from '../../../src/io/onnx/onnx-proto.js';
import { floatTensorProto } from '../../../src/io/onnx/onnx-tensor.js';
import { attribute } from '../../../src/io/onnx/onnx-attributes.js';
import { testGraphs } from './onnx-graphs.js';
import { inputsFor, ours } from './ort-helpers.js';

/** A one-node model around x:(N,1,4,4) with a 1x1x3x3 weight, for the error cases. */
function modelOf(node: OnnxNode, options: { opset?: number } = {}): Uint8Array {
  const dims = (...d: number[]) => ({
    elemType: 1,
    shape: { dim: [{ dimParam: 'N' }, ...d.map((dimValue) => ({ dimValue }))] },
  });
  const model: OnnxModel = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: options.opset ?? 17 }],
    graph: {
      name: 'g',
      node: [node],
      initializer: [floatTensorProto('w', [1, 1, 3, 3], new Float32Array(9).fill(0.5))],
      input: [{ name: 'x', type: { tensorType: dims(1, 4, 4) } }],
      output: [{ name: 'y', type: { tensorType: dims(1, 4, 4) } }],
    },
  };
  return encodeOnnxModel(model);
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => importOnnx(bytes, { source: 'm.onnx' }),
    (e: unknown) => {
      assert.ok(e instanceof OnnxError, `an OnnxError, got ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

describe('importOnnx', () => {
  for (const { name, graph } of testGraphs()) {
    it(`${name}: export -> import gives the same outputs bitwise and the same names`, () => {
      const imported = importOnnx(exportOnnx(graph), { source: name }).graph.eval();
      // ONNX has no adaptive pooling: it comes back as the AvgPool2d or GlobalAvgPool2d that
      // computes it; Flatten's endDim comes back counted from the start.
      const expectedNodes = graph.spec().nodes.filter((n) => n.op !== 'Dropout');
      const changed = new Set(
        expectedNodes
          .filter((n) => n.op === 'AdaptiveAvgPool2d' || n.op === 'Flatten')
          .map((n) => n.name),
      );
      const nodeView = (n: { name: string; op: string; config: unknown }) =>
        changed.has(n.name) ? [n.name] : [n.name, n.op, n.config];
      assert.deepEqual(imported.spec().nodes.map(nodeView), expectedNodes.map(nodeView));
      const inputs = inputsFor(graph, 3, 11);
      const expected = ours(graph, inputs);
      const actual = ours(imported, inputs);
      // Outputs in order: an output that passes through Dropout is named after the layer before.
      const got = [...actual.values()];
      [...expected].forEach(([output, y], k) => {
        const first = y.data.findIndex((v, i) => !Object.is(v, got[k].data[i]));
        assert.equal(first, -1, `${name} ${output}: first difference at ${first}`);
      });
      const state = graph.stateDict();
      for (const [key, tensor] of imported.stateDict()) {
        if (key.endsWith('numBatchesTracked')) continue;
        assert.deepEqual(tensor.data, state.get(key)?.data, key);
      }
    });
  }

  it('truncated or corrupt bytes: an error naming the source, never a crash', () => {
    const bytes = exportOnnx(testGraphs()[0].graph);
    for (const cut of [1, 10, 1000, bytes.length - 5]) {
      rejects(bytes.subarray(0, cut), /^m\.onnx: /);
    }
    rejects(new Uint8Array(0), /m\.onnx: has no graph/);
    rejects(new TextEncoder().encode('definitely not protobuf {}'), /m\.onnx: /);
    const flipped = bytes.slice();
    for (let i = 0; i < flipped.length; i += 97) flipped[i] ^= 0xff;
    rejects(flipped, /m\.onnx: /);
  });

  it('an unsupported op names the node, the op and what is supported', () => {
    rejects(
      modelOf({ name: 'lstm1', opType: 'LSTM', input: ['x'], output: ['y'] }),
      /m\.onnx: node 'lstm1' \(LSTM\): op LSTM is not supported \(supported: .*Conv.*Resize/,
    );
    rejects(
      modelOf({
        name: 'c',
        opType: 'Conv',
        domain: 'com.microsoft',
        input: ['x', 'w'],
        output: ['y'],
      }),
      /node 'c' \(Conv\): domain 'com.microsoft' is not supported/,
    );
    rejects(
      modelOf({ name: 'm', opType: 'Mul', input: ['x', 'x'], output: ['y'] }),
      /node 'm' \(Mul\): is supported only as part of GELU or SiLU/,
    );
  });

  it('an unsupported attribute or value is an error, not an approximation', () => {
    const conv = (attrs: OnnxNode['attribute']): OnnxNode => ({
      name: 'conv',
      opType: 'Conv',
      input: ['x', 'w'],
      output: ['y'],
      attribute: attrs,
    });
    rejects(
      modelOf(conv([attribute.ints('pads', [1, 1, 0, 0])])),
      /node 'conv' \(Conv\): pads \[1,1,0,0\] are not supported/,
    );
    rejects(
      modelOf(conv([attribute.string('auto_pad', 'SAME_UPPER')])),
      /attribute auto_pad='SAME_UPPER' is not supported \(supported: 'NOTSET', 'VALID'\)/,
    );
    rejects(modelOf(conv([attribute.int('mystery', 3)])), /attribute mystery not supported/);
    rejects(
      modelOf({
        name: 'pool',
        opType: 'MaxPool',
        input: ['x'],
        output: ['y'],
        attribute: [attribute.ints('kernel_shape', [2, 2]), attribute.int('ceil_mode', 1)],
      }),
      /node 'pool' \(MaxPool\): attribute ceil_mode=1 is not supported \(supported: 0\)/,
    );
    rejects(
      modelOf({
        name: 'r',
        opType: 'Resize',
        input: ['x', '', 'w'],
        output: ['y'],
        attribute: [attribute.string('mode', 'cubic')],
      }),
      /node 'r' \(Resize\): attribute mode='cubic' is not supported/,
    );
    rejects(
      modelOf({ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }, { opset: 9 }),
      /uses opset 9 \(supported: 13 to 18\)/,
    );
  });
});
