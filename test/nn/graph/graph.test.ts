import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Add } from '../../../src/nn/add.js';
import { Concat } from '../../../src/nn/concat.js';
import { Graph } from '../../../src/nn/graph/graph.js';
import { GraphBuilder, graphFromSequential } from '../../../src/nn/graph/graph-builder.js';
import { GraphSpecError, parseGraphSpec } from '../../../src/nn/graph/graph-spec.js';
import {
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  fashionNet,
  lenet5,
  seedNet,
} from '../../../src/nn/index.js';
import { sum } from '../../../src/ops/index.js';
import { Rng } from '../../../src/rng.js';
import { Tensor } from '../../../src/tensor.js';
import { randomArray } from '../../helpers.js';

function input(shape: number[], seed = 1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return Tensor.from(Float32Array.from(randomArray(new Rng(seed), size)), shape);
}

function sameTensors(a: Map<string, Tensor>, b: Map<string, Tensor>): void {
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [name, t] of a) assert.deepEqual(t.data, b.get(name)?.data, name);
}

function residualGraph(seed = 3): Graph {
  const rng = new Rng(seed);
  const b = new GraphBuilder({ description: 'a residual block and a concat skip' });
  const image = b.input('image', [2, 8, 8]);
  const c1 = b.layer('stem.conv', new Conv2d(2, 4, 3, { padding: 1, rng }), image);
  const r1 = b.layer('stem.relu', new ReLU(), c1);
  const c2 = b.layer('block.conv', new Conv2d(4, 4, 3, { padding: 1, rng }), r1);
  const sum = b.layer('block.add', new Add(), r1, c2);
  const cat = b.layer('cat', new Concat(), sum, image);
  const pool = b.layer('pool', new MaxPool2d(2), cat);
  const flat = b.layer('flat', new Flatten(), pool);
  const logits = b.layer('logits', new Linear(6 * 4 * 4, 3, { rng }), flat);
  return b.build(logits);
}

describe('Graph', () => {
  it('a Sequential preset as a graph keeps its state dict names and computes the same', () => {
    for (const build of [seedNet, lenet5, fashionNet]) {
      const sequential = build({ seed: 7 }).eval();
      const graph = graphFromSequential(sequential, [1, 28, 28]).eval();
      assert.deepEqual([...graph.stateDict().keys()], [...sequential.stateDict().keys()]);
      const x = input([2, 1, 28, 28]);
      assert.deepEqual(graph.forward(x).data, sequential.forward(x).data);
    }
  });

  it('rebuilds a preset from its description with the same initial weights (dropout stream too)', () => {
    for (const build of [seedNet, lenet5, fashionNet]) {
      const sequential = build({ seed: 11 });
      const spec = graphFromSequential(sequential, [1, 28, 28]).spec();
      const rebuilt = Graph.fromSpec(JSON.parse(JSON.stringify(spec)), { seed: 11 });
      sameTensors(rebuilt.stateDict(), sequential.stateDict());
      // Training mode: dropout masks are drawn from the same stream.
      const x = input([3, 1, 28, 28], 5);
      assert.deepEqual(rebuilt.forward(x).data, sequential.forward(x).data);
    }
  });

  it('describes a DAG and rebuilds it exactly: same spec, same outputs bitwise', () => {
    const graph = residualGraph();
    const spec = graph.spec();
    const rebuilt = Graph.fromSpec(JSON.parse(JSON.stringify(spec)), { seed: 99 });
    assert.deepEqual(rebuilt.spec(), spec);
    rebuilt.loadStateDict(graph.stateDict());
    const x = input([2, 2, 8, 8]);
    assert.deepEqual(rebuilt.forward(x).data, graph.forward(x).data);
    assert.deepEqual(graph.outputShape([5, 2, 8, 8]), [5, 3]);
    const all = graph.run(x, { keep: 'all' });
    assert.deepEqual([...all.keys()], ['image', ...spec.nodes.map((n) => n.name)]);
    assert.deepEqual(all.get('cat')?.shape, [2, 6, 8, 8]);
  });

  it('gradients flow through both branches of a join', () => {
    const graph = residualGraph();
    const x = input([2, 2, 8, 8]).requireGrad();
    sum(graph.forward(x)).backward();
    for (const [name, p] of graph.namedParameters()) assert.ok(p.grad !== null, name);
    assert.ok(x.grad !== null);
  });

  it('several outputs: run() returns each by name; forward() says to use run()', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 4]);
    const c = b.layer('conv', new Conv2d(1, 2, 1, { rng: new Rng(1) }), x);
    const heads = [b.layer('a', new ReLU(), c), b.layer('b', new MaxPool2d(2), c)];
    const graph = b.build(...heads);
    const out = graph.run(input([1, 1, 4, 4]));
    assert.deepEqual([...out.keys()], ['a', 'b']);
    assert.deepEqual(out.get('b')?.shape, [1, 2, 2, 2]);
    assert.throws(() => graph.forward(input([1, 1, 4, 4])), /has 2 outputs \(a, b\): use run\(\)/);
  });

  it('builder errors name the node where the mistake is made', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [3, 8, 8]);
    assert.throws(
      () => b.layer('conv', new Conv2d(1, 2, 3), x),
      /node 'conv' \(Conv2d\): .*3 channels/,
    );
    const c = b.layer('c', new Conv2d(3, 2, 3), x);
    assert.throws(
      () => b.layer('sum', new Add(), x, c),
      /node 'sum' \(Add\): input 0 \(1,3,8,8\) and input 1 \(1,2,6,6\)/,
    );
    assert.throws(() => b.layer('c', new ReLU(), c), /'c' is already used/);
    class Custom extends ReLU {}
    assert.throws(
      () => b.layer('custom', new Custom(), c),
      /Custom is not a layer type a graph can describe/,
    );
  });
});

describe('parseGraphSpec', () => {
  const base = {
    format: 'convnet-ts-graph',
    version: 1,
    inputs: [{ name: 'image', shape: [1, 28, 28] }],
    outputs: ['fc'],
  };

  it('fills in defaults and chains inputs', () => {
    const spec = parseGraphSpec({
      ...base,
      nodes: [
        { name: 'conv', op: 'Conv2d', config: { inChannels: 1, outChannels: 4, kernelSize: 3 } },
        { name: 'relu', op: 'ReLU' },
        { name: 'flat', op: 'Flatten' },
        { name: 'fc', op: 'Linear', config: { inFeatures: 4 * 26 * 26, outFeatures: 10 } },
      ],
    });
    assert.deepEqual(spec.nodes[0].config, {
      inChannels: 1,
      outChannels: 4,
      kernelSize: 3,
      stride: 1,
      padding: 0,
      dilation: 1,
      groups: 1,
      bias: true,
    });
    assert.deepEqual(
      spec.nodes.map((n) => n.inputs),
      [['image'], ['conv'], ['relu'], ['flat']],
    );
  });

  const problems = (nodes: unknown[], extra: object = {}): string => {
    try {
      parseGraphSpec({ ...base, nodes, ...extra }, 'my-net.json');
    } catch (error) {
      assert.ok(error instanceof GraphSpecError);
      return error.message;
    }
    assert.fail('expected a GraphSpecError');
  };

  it('names the node, the field and what was expected', () => {
    assert.match(
      problems([
        { name: 'conv2', op: 'Conv2d', config: { inChannels: 1, outChannels: 4, kernelSize: 0 } },
      ]),
      /^my-net\.json: node 'conv2' \(Conv2d\): config\.kernelSize: expected an integer >= 1, got 0/,
    );
    assert.match(
      problems([{ name: 'x', op: 'Conv3d' }]),
      /node 'x': unknown layer type "Conv3d" \(known: Conv2d, ConvTranspose2d/,
    );
    assert.match(
      problems([
        { name: 'fc', op: 'Linear', config: { inFeatures: 4, outFeatures: 2, bais: false } },
      ]),
      /node 'fc' \(Linear\): config: unknown key\(s\) bais \(known: inFeatures, outFeatures, bias\)/,
    );
    assert.match(
      problems([{ name: 'fc', op: 'Linear', config: { outFeatures: 2 } }]),
      /config\.inFeatures: expected an integer >= 1, got nothing/,
    );
    assert.match(
      problems([{ name: 'fc', op: 'Add', inputs: ['image', 'nope'] }]),
      /node 'fc' \(Add\): input 'nope' is neither a graph input nor an earlier node/,
    );
    assert.match(
      problems([{ name: 'fc', op: 'Add' }]),
      /node 'fc' \(Add\): takes 2 or more inputs, got 1/,
    );
    assert.match(problems([{ name: 'relu', op: 'ReLU' }]), /outputs: 'fc' is not a node/);
    assert.match(
      problems([{ name: 'fc', op: 'ReLU' }], { version: 2 }),
      /version: expected 1 \(the version this reads\), got 2/,
    );
    assert.match(
      problems([
        { name: 'fc', op: 'Linear', config: { inFeatures: 1 << 20, outFeatures: 1 << 20 } },
      ]),
      /the graph has 1099512676352 parameters, at most 268435456/,
    );
  });

  it('a shape mismatch inside a file names the node', () => {
    assert.throws(
      () =>
        Graph.fromSpec({
          ...base,
          nodes: [
            {
              name: 'conv',
              op: 'Conv2d',
              config: { inChannels: 3, outChannels: 4, kernelSize: 3 },
            },
            { name: 'fc', op: 'ReLU' },
          ],
        }),
      /Graph: node 'conv' \(Conv2d\): .*1 channels?.*3/,
    );
  });
});
