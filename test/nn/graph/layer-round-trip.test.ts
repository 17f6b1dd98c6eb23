import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { noGrad } from '../../../src/autograd.js';
import { Graph } from '../../../src/nn/graph/graph.js';
import { graphJsonSchema } from '../../../src/nn/graph/graph-json-schema.js';
import { parseGraphSpec } from '../../../src/nn/graph/graph-spec.js';
import {
  LAYER_TYPE_NAMES,
  LAYER_TYPES,
  type LayerTypeName,
} from '../../../src/nn/graph/layer-table.js';
import { Rng } from '../../../src/rng.js';
import { Tensor } from '../../../src/tensor.js';
import { randomArray } from '../../helpers.js';

/**
 * For every layer type: a config that sets every option away from its default, the input
 * shapes it takes (batch included) and, for a merge, how many inputs.
 */
const CASES: Record<LayerTypeName, { config: Record<string, unknown>; inputs: number[][] }> = {
  Conv2d: {
    config: {
      inChannels: 4,
      outChannels: 6,
      kernelSize: [3, 2],
      stride: [2, 1],
      padding: [1, 0],
      dilation: [1, 2],
      groups: 2,
      bias: false,
    },
    inputs: [[2, 4, 9, 8]],
  },
  ConvTranspose2d: {
    config: {
      inChannels: 4,
      outChannels: 6,
      kernelSize: [3, 3],
      stride: [2, 2],
      padding: [1, 1],
      outputPadding: [1, 1],
      dilation: [1, 1],
      groups: 2,
      bias: true,
    },
    inputs: [[2, 4, 5, 6]],
  },
  Linear: { config: { inFeatures: 12, outFeatures: 5, bias: false }, inputs: [[3, 12]] },
  BatchNorm2d: {
    config: { numFeatures: 3, eps: 1e-3, momentum: null, affine: false, trackRunningStats: true },
    inputs: [[4, 3, 5, 5]],
  },
  MaxPool2d: {
    config: { kernelSize: [3, 2], stride: [2, 1], padding: [1, 0] },
    inputs: [[2, 3, 9, 8]],
  },
  AvgPool2d: {
    config: { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], countIncludePad: false },
    inputs: [[2, 3, 9, 8]],
  },
  AdaptiveAvgPool2d: { config: { outputSize: [3, 2] }, inputs: [[2, 3, 9, 8]] },
  GlobalAvgPool2d: { config: {}, inputs: [[2, 3, 5, 4]] },
  Flatten: { config: { startDim: 2, endDim: 3 }, inputs: [[2, 3, 5, 4]] },
  ReLU: { config: {}, inputs: [[2, 3, 4]] },
  LeakyReLU: { config: { negativeSlope: 0.2 }, inputs: [[2, 3, 4]] },
  Sigmoid: { config: {}, inputs: [[2, 3, 4]] },
  Tanh: { config: {}, inputs: [[2, 3, 4]] },
  GELU: { config: {}, inputs: [[2, 3, 4]] },
  SiLU: { config: {}, inputs: [[2, 3, 4]] },
  Softmax: { config: { axis: -1 }, inputs: [[2, 3, 4]] },
  L2Normalize: { config: { axis: 2, eps: 1e-6 }, inputs: [[2, 3, 4]] },
  Dropout: { config: { p: 0.3 }, inputs: [[2, 3, 4]] },
  Upsample: {
    config: { size: null, scaleFactor: [2, 3], mode: 'bilinear', alignCorners: true },
    inputs: [[1, 2, 3, 4]],
  },
  Add: {
    config: {},
    inputs: [
      [2, 3, 4],
      [2, 3, 4],
      [2, 3, 4],
    ],
  },
  Concat: {
    config: { axis: 2 },
    inputs: [
      [2, 3, 4],
      [2, 3, 6],
    ],
  },
};

/** A graph of one node of the type, taking one graph input per operand. */
function oneNodeGraph(op: LayerTypeName, config: Record<string, unknown>, inputs: number[][]) {
  const names = inputs.map((_, i) => `x${i}`);
  return {
    format: 'convnet-ts-graph',
    version: 1,
    inputs: inputs.map((shape, i) => ({ name: names[i], shape: shape.slice(1) })),
    nodes: [{ name: 'layer', op, config, inputs: names }],
    outputs: ['layer'],
  };
}

describe('layer round trip', () => {
  it('covers every layer type in the table', () => {
    assert.deepEqual(Object.keys(CASES).sort(), [...LAYER_TYPE_NAMES].sort());
  });

  for (const op of LAYER_TYPE_NAMES) {
    it(`${op}: build -> describe gives the config; rebuilt with the weights, the same outputs bitwise`, () => {
      const { config, inputs } = CASES[op];
      const spec = oneNodeGraph(op, config, inputs);
      const graph = Graph.fromSpec(spec, { seed: 3 });
      const described = graph.spec();
      assert.deepEqual(described.nodes[0].config, config, `${op}: describe gave another config`);
      const rebuilt = Graph.fromSpec(JSON.parse(JSON.stringify(described)), { seed: 77 });
      rebuilt.loadStateDict(graph.stateDict());
      assert.deepEqual(rebuilt.spec(), described);
      const rng = new Rng(9);
      const feed = Object.fromEntries(
        inputs.map((shape, i) => {
          const size = shape.reduce((a, b) => a * b, 1);
          return [`x${i}`, Tensor.from(Float32Array.from(randomArray(rng, size)), shape)];
        }),
      );
      for (const mode of inputs.length === 1 ? (['eval', 'train'] as const) : []) {
        graph.train(mode === 'train');
        rebuilt.train(mode === 'train');
        // Training-mode dropout draws masks: both graphs start from the same seed-derived stream.
        const a = Graph.fromSpec(described, { seed: 5 });
        const b = Graph.fromSpec(JSON.parse(JSON.stringify(described)), { seed: 5 });
        a.loadStateDict(graph.stateDict());
        b.loadStateDict(graph.stateDict());
        a.train(mode === 'train');
        b.train(mode === 'train');
        const ya = noGrad(() => a.forward(Object.values(feed)[0]));
        const yb = noGrad(() => b.forward(Object.values(feed)[0]));
        assert.deepEqual(yb.data, ya.data, `${op} (${mode})`);
      }
      const expected = noGrad(() => [...graph.eval().run(feed).values()][0]);
      const actual = noGrad(() => [...rebuilt.eval().run(feed).values()][0]);
      assert.deepEqual(actual.shape, expected.shape);
      assert.deepEqual(actual.data, expected.data, `${op}: outputs differ`);
    });
  }
});

describe('graph JSON Schema', () => {
  it('the committed schema file is the one the zod schema makes (npm run schema writes it)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../../schema/model-graph.schema.json', import.meta.url), 'utf8'),
    );
    assert.deepEqual(committed, JSON.parse(JSON.stringify(graphJsonSchema())));
  });

  it('names every layer type, with its description', () => {
    const text = JSON.stringify(graphJsonSchema());
    for (const op of LAYER_TYPE_NAMES) {
      assert.ok(text.includes(`"const":"${op}"`), op);
      assert.ok(
        text.includes(LAYER_TYPES[op].description.replaceAll('"', '\\"')),
        `${op}'s description`,
      );
    }
  });

  it('the example graph file checks', () => {
    const file = new URL('../../../examples/graphs/residual-net.json', import.meta.url);
    const spec = parseGraphSpec(JSON.parse(readFileSync(file, 'utf8')), 'residual-net.json');
    assert.deepEqual(Graph.fromSpec(spec).outputShape([2, 1, 28, 28]), [2, 10]);
  });
});
