/**
 * Models PyTorch exported (scripts/make-onnx-fixture.py: conv-bn-relu, max pool, a residual
 * add, flatten, linear; and one of the other layers; torch.onnx.export, opset 17) import and
 * compute PyTorch's outputs within 1e-5 of their scale; the first one's state dict, saved as
 * safetensors, loads into the same architecture built here and gives the same output.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { importOnnx } from '../../../src/io/onnx/index.js';
import { decodeSafetensors } from '../../../src/io/safetensors.js';
import { Graph } from '../../../src/nn/graph/graph.js';
import { Tensor } from '../../../src/tensor.js';
import { assertWithinScale, ortSession, ours, runOrt } from './ort-helpers.js';

const DIR = new URL('../../../fixtures/onnx/', import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, DIR)));

interface Fixture {
  input: { shape: number[]; data: number[] };
  output: { shape: number[]; data: number[] };
}
const fixture = JSON.parse(new TextDecoder().decode(read('torch-small.json'))) as Fixture;
const x = Tensor.from(fixture.input.data, fixture.input.shape);

/** SmallNet of the script, node names = PyTorch's module names. */
const SMALL_NET = {
  format: 'convnet-ts-graph',
  version: 1,
  inputs: [{ name: 'image', shape: [1, 14, 14] }],
  nodes: [
    {
      name: 'conv1',
      op: 'Conv2d',
      config: { inChannels: 1, outChannels: 8, kernelSize: 3, padding: 1 },
    },
    { name: 'bn1', op: 'BatchNorm2d', config: { numFeatures: 8 } },
    { name: 'relu1', op: 'ReLU' },
    { name: 'pool', op: 'MaxPool2d', config: { kernelSize: 2 } },
    {
      name: 'conv2',
      op: 'Conv2d',
      config: { inChannels: 8, outChannels: 8, kernelSize: 3, padding: 1 },
    },
    { name: 'relu2', op: 'ReLU' },
    { name: 'add', op: 'Add', inputs: ['pool', 'relu2'] },
    { name: 'flatten', op: 'Flatten' },
    { name: 'fc', op: 'Linear', config: { inFeatures: 392, outFeatures: 10 } },
  ],
  outputs: ['fc'],
};

/** PyTorch's buffer names -> ours. */
const TORCH_KEYS: Record<string, string> = {
  running_mean: 'runningMean',
  running_var: 'runningVar',
  num_batches_tracked: 'numBatchesTracked',
};

function outputOf(graph: Graph): Float32Array {
  const [y] = ours(graph, { image: x }).values();
  assert.deepEqual(y.shape, fixture.output.shape);
  return y.data as Float32Array;
}

describe('a PyTorch model', () => {
  it('torch.onnx.export output imports and matches PyTorch within 1e-5', async () => {
    const bytes = read('torch-small.onnx');
    const { graph } = importOnnx(bytes, { source: 'torch-small.onnx' });
    assert.deepEqual(
      graph.nodes().map((n) => n.op),
      ['Conv2d', 'BatchNorm2d', 'ReLU', 'MaxPool2d', 'Conv2d', 'ReLU', 'Add', 'Flatten', 'Linear'],
    );
    const c = assertWithinScale(outputOf(graph.eval()), fixture.output.data, 'imported vs PyTorch');
    console.log(`  imported PyTorch model: max |ours - PyTorch| ${c.maxAbsDiff.toExponential(2)}`);
    const ort = (await runOrt(await ortSession(bytes), { image: x })).get('logits');
    assert.ok(ort !== undefined);
    assertWithinScale(ort, fixture.output.data, 'ONNX Runtime vs PyTorch');
  });

  it('the other layers as PyTorch exports them import and match PyTorch within 1e-5', async () => {
    const bytes = read('torch-layers.onnx');
    const layers = JSON.parse(new TextDecoder().decode(read('torch-layers.json'))) as {
      input: Fixture['input'];
      probs: Fixture['output'];
      embedding: Fixture['output'];
    };
    const { graph } = importOnnx(bytes, { source: 'torch-layers.onnx' });
    assert.deepEqual(
      graph.nodes().map((n) => n.op),
      [
        'Conv2d',
        'GELU',
        'SiLU',
        'Upsample',
        'ConvTranspose2d',
        'AvgPool2d',
        'Upsample',
        'Add',
        'GlobalAvgPool2d',
        'Flatten',
        'Linear',
        'Softmax',
        'L2Normalize',
      ],
    );
    const input = Tensor.from(layers.input.data, layers.input.shape);
    const [probs, embedding] = ours(graph.eval(), { x: input }).values();
    assertWithinScale(probs.data, layers.probs.data, 'softmax vs PyTorch');
    assertWithinScale(embedding.data, layers.embedding.data, 'F.normalize vs PyTorch');
    const ort = await runOrt(await ortSession(bytes), { x: input });
    assertWithinScale(ort.get('probs') ?? [], layers.probs.data, 'ONNX Runtime vs PyTorch');
  });

  it('its state dict as safetensors loads into the same architecture built here', () => {
    const { tensors } = decodeSafetensors(read('torch-small.safetensors'), {
      source: 'torch-small.safetensors',
    });
    const state = new Map(
      [...tensors].map(([key, t]) => [
        key.replace(/[a-z_]+$/, (last) => TORCH_KEYS[last] ?? last),
        t,
      ]),
    );
    const graph = Graph.fromSpec(SMALL_NET, { source: 'SmallNet' });
    graph.loadStateDict(state);
    const y = outputOf(graph.eval());
    const c = assertWithinScale(y, fixture.output.data, 'safetensors state dict vs PyTorch');
    console.log(`  state dict model: max |ours - PyTorch| ${c.maxAbsDiff.toExponential(2)}`);
    const imported = importOnnx(read('torch-small.onnx')).graph.eval();
    assert.deepEqual(y, outputOf(imported), 'the same weights give bitwise the same output');
  });
});
