import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BatchNorm2d,
  Conv2d,
  Dropout,
  Layer,
  Linear,
  Module,
  ReLU,
  Sequential,
  seedNet,
} from '../../src/nn/index.js';
import { add, crossEntropy, mul, relu, sum } from '../../src/ops/index.js';
import { frozenSince } from '../../src/kernels/frozen-arrays.js';
import { Rng } from '../../src/rng.js';
import { Tensor, type Shape } from '../../src/tensor.js';

/** A custom block with explicit registration: a conv, a batch norm, a scale and a residual add. */
class ResidualBlock extends Layer {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  readonly scale: Tensor;

  constructor(channels: number, rng: Rng) {
    super();
    this.conv = this.registerModule('conv', new Conv2d(channels, channels, 3, { padding: 1, rng }));
    this.bn = this.registerModule('bn', new BatchNorm2d(channels));
    this.scale = this.registerParameter('scale', Tensor.ones([1]));
  }

  forward(x: Tensor): Tensor {
    return relu(add(x, mul(this.scale, this.bn.forward(this.conv.forward(x)))));
  }

  outputShape(inputShape: Shape): Shape {
    return this.bn.outputShape(this.conv.outputShape(inputShape));
  }
}

/** A module of two inputs: the Module base is not limited to one tensor in, one out. */
class PairDistance extends Module<[a: Tensor, b: Tensor], Tensor> {
  forward(a: Tensor, b: Tensor): Tensor {
    return sum(add(a, b));
  }
}

function tinyModel(rng = new Rng(1)): Sequential {
  return Sequential.named({
    stem: new Conv2d(1, 2, 3, { padding: 1, rng }),
    block: new ResidualBlock(2, rng),
    head: new Sequential(new Dropout(0.5, { rng }), new ReLU()),
  });
}

describe('Module', () => {
  it('names parameters, buffers and modules by dotted path, depth first, own first', () => {
    const model = tinyModel();
    assert.deepEqual(
      model.namedParameters().map(([n]) => n),
      [
        'stem.weight',
        'stem.bias',
        'block.scale',
        'block.conv.weight',
        'block.conv.bias',
        'block.bn.weight',
        'block.bn.bias',
      ],
    );
    assert.deepEqual(
      model.namedBuffers().map(([n]) => n),
      ['block.bn.runningMean', 'block.bn.runningVar', 'block.bn.numBatchesTracked'],
    );
    assert.deepEqual(
      model.namedModules().map(([n, m]) => `${n}:${m.typeName}`),
      [
        ':Sequential',
        'stem:Conv2d',
        'block:ResidualBlock',
        'block.conv:Conv2d',
        'block.bn:BatchNorm2d',
        'head:Sequential',
        'head.0:Dropout',
        'head.1:ReLU',
      ],
    );
    assert.deepEqual(
      model.namedChildren().map(([n]) => n),
      ['stem', 'block', 'head'],
    );
    assert.equal(model.children().length, 3);
    assert.equal(model.modules().length, 8);
    assert.equal(model.getSubmodule('block.bn').typeName, 'BatchNorm2d');
    assert.equal(model.getSubmodule(''), model);
    assert.throws(
      () => model.getSubmodule('block.norm'),
      /getSubmodule: ResidualBlock has no child 'norm' \(in path 'block.norm'\); it has conv, bn/,
    );
  });

  it('parameters require grad, buffers do not, and every parameter gets a gradient', () => {
    const model = tinyModel();
    for (const p of model.parameters()) assert.equal(p.requiresGrad, true);
    for (const b of model.buffers()) assert.equal(b.requiresGrad, false);
    const x = Tensor.randn([2, 1, 4, 4], new Rng(2));
    const loss = sum(model.forward(x));
    loss.backward();
    for (const [name, p] of model.namedParameters()) assert.ok(p.grad !== null, name);
    model.zeroGrad();
    for (const p of model.parameters()) assert.equal(p.grad, null);
  });

  it('lists a shared parameter once, under its first name, and keeps both names in stateDict', () => {
    const shared = new Linear(3, 3, { rng: new Rng(3) });
    const model = new Sequential(shared, new ReLU(), shared);
    assert.deepEqual(
      model.namedParameters().map(([n]) => n),
      ['0.weight', '0.bias'],
    );
    assert.equal(model.parameters().length, 2);
    assert.deepEqual([...model.stateDict().keys()], ['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('train() and eval() reach every module below, and return the module', () => {
    const model = tinyModel();
    assert.equal(model.training, true);
    assert.equal(model.eval(), model);
    for (const m of model.modules()) assert.equal(m.training, false, m.typeName);
    model.train();
    for (const m of model.modules()) assert.equal(m.training, true, m.typeName);
    model.getSubmodule('head').train(false);
    assert.equal(model.getSubmodule('head.0').training, false);
    assert.equal(model.getSubmodule('stem').training, true);
  });

  it('freeze() sets evaluation mode and makes the parameters constants; unfreeze() undoes it', () => {
    const model = seedNet({ seed: 3 });
    const [first] = model.parameters();
    first.requireGrad(false); // frozen by hand before: stays so after unfreeze()
    assert.equal(model.frozen, false);
    assert.equal(model.freeze(), model);
    assert.equal(model.training, false);
    assert.equal(model.frozen, true);
    assert.ok(model.parameters().every((p) => !p.requiresGrad));
    assert.ok(model.parameters().every((p) => frozenSince(p.data) > 0));
    // No gradients flow into frozen parameters, so an optimizer step leaves them alone.
    const x = Tensor.randn([2, 1, 28, 28], new Rng(4));
    assert.equal(crossEntropy(model.forward(x), Int32Array.from([1, 2])).requiresGrad, false);
    model.unfreeze();
    assert.equal(model.frozen, false);
    assert.equal(model.training, false, 'unfreeze() leaves the mode');
    assert.equal(first.requiresGrad, false);
    assert.ok(
      model
        .parameters()
        .slice(1)
        .every((p) => p.requiresGrad),
    );
    assert.ok(model.parameters().every((p) => frozenSince(p.data) === 0));
  });

  it('loadStateDict refuses frozen parameters, naming them, and changes nothing', () => {
    const model = seedNet({ seed: 5 }).freeze();
    const before = model.stateDict();
    const other = seedNet({ seed: 6 }).stateDict();
    assert.throws(
      () => model.loadStateDict(other),
      /loadStateDict: features\.0\.weight, .* are frozen \(freeze\(\)\); call unfreeze\(\) before loading/,
    );
    for (const [name, t] of model.stateDict()) assert.deepEqual(t.data, before.get(name)?.data);
    model.unfreeze().loadStateDict(other);
    assert.deepEqual(
      model.stateDict().get('features.0.weight')?.data,
      other.get('features.0.weight')?.data,
    );
  });

  it('a new child takes its parent training mode', () => {
    const model = new Sequential(new ReLU()).eval();
    model.append(new Dropout(0.5));
    assert.equal(model.at(1).training, false);
  });

  it('rejects duplicate names, dotted names, and cycles', () => {
    const model = new Sequential(new ReLU());
    assert.throws(() => model.add('0', new ReLU()), /Sequential: '0' is already registered/);
    assert.throws(
      () => model.add('a.b', new ReLU()),
      /Sequential: a name must be non-empty and contain no '.', got 'a.b'/,
    );
    assert.throws(() => model.add('self', model), /'self' would make a module its own child/);
    const inner = new Sequential();
    const outer = new Sequential(inner);
    assert.throws(() => inner.append(outer), /would make a module its own child/);
    assert.throws(
      () => model.registerBuffer('b', Tensor.zeros([1]).requireGrad()),
      /Sequential: buffer 'b' must not require grad/,
    );
  });

  it('supports modules with several inputs', () => {
    const d = new PairDistance();
    const y = d.forward(Tensor.ones([2]), Tensor.ones([2]));
    assert.equal(y.item(), 4);
    assert.deepEqual(d.parameters(), []);
  });

  it('prints a PyTorch-style tree', () => {
    const text = tinyModel().toString();
    assert.equal(
      text,
      [
        'Sequential(',
        '  (stem): Conv2d(1, 2, kernelSize=(3,3), padding=(1,1))',
        '  (block): ResidualBlock(',
        '    (conv): Conv2d(2, 2, kernelSize=(3,3), padding=(1,1))',
        '    (bn): BatchNorm2d(2, eps=0.00001, momentum=0.1)',
        '  )',
        '  (head): Sequential(',
        '    (0): Dropout(p=0.5)',
        '    (1): ReLU()',
        '  )',
        ')',
      ].join('\n'),
    );
  });
});

describe('stateDict and loadStateDict', () => {
  it('copies parameters and buffers; the copies do not share data', () => {
    const model = tinyModel();
    const state = model.stateDict();
    assert.deepEqual(
      [...state.keys()],
      [...model.namedParameters(), ...model.namedBuffers()].map(([n]) => n),
    );
    const weight = state.get('stem.weight');
    assert.ok(weight !== undefined);
    assert.equal(weight.requiresGrad, false);
    weight.data[0] += 1;
    assert.notEqual(weight.data[0], model.getSubmodule('stem').stateDict().get('weight')?.data[0]);
  });

  it('round trip: a model loaded from another model state gives the same outputs', () => {
    const source = seedNet({ seed: 1, imageSize: 8 });
    const target = seedNet({ seed: 2, imageSize: 8 });
    const x = Tensor.randn([2, 1, 8, 8], new Rng(4));
    assert.notDeepEqual(target.forward(x).toArray(), source.forward(x).toArray());
    const result = target.loadStateDict(source.stateDict());
    assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
    assert.deepEqual(target.forward(x).toArray(), source.forward(x).toArray());
  });

  it('loads in place, so an optimizer built before keeps the same tensors', () => {
    const model = tinyModel();
    const params = model.parameters();
    model.loadStateDict(tinyModel(new Rng(9)).stateDict());
    assert.deepEqual(model.parameters(), params);
  });

  it('round trip of batch norm buffers after training steps', () => {
    const source = tinyModel();
    const x = Tensor.randn([3, 1, 4, 4], new Rng(5));
    source.forward(x);
    source.forward(x);
    const target = tinyModel(new Rng(6));
    target.loadStateDict(source.stateDict());
    const bn = target.getSubmodule('block.bn');
    assert.ok(bn instanceof BatchNorm2d && bn.numBatchesTracked !== null);
    assert.equal(bn.numBatchesTracked.item(), 2);
    source.eval();
    target.eval();
    assert.deepEqual(target.forward(x).toArray(), source.forward(x).toArray());
  });

  it('accepts a plain object and converts the dtype', () => {
    const model = new Linear(2, 1, { dtype: 'float32' });
    model.loadStateDict({
      weight: Tensor.from([0.5, 0.25], [1, 2], 'float64'),
      bias: Tensor.from([1], [1], 'float64'),
    });
    assert.equal(model.weight.dtype, 'float32');
    assert.deepEqual(model.weight.toArray(), [0.5, 0.25]);
  });

  it('names a misshapen tensor with both shapes, and changes nothing', () => {
    const model = seedNet();
    const state = model.stateDict();
    state.set('features.0.weight', Tensor.zeros([16, 1, 3, 3]));
    const before = model.getSubmodule('features.3').stateDict().get('weight')?.toArray();
    const other = seedNet({ seed: 5 }).stateDict();
    other.set('features.0.weight', Tensor.zeros([16, 1, 3, 3]));
    assert.throws(
      () => model.loadStateDict(other),
      /^ShapeError: loadStateDict: features\.0\.weight has shape \(32,1,3,3\), the checkpoint has \(16,1,3,3\)$/,
    );
    assert.deepEqual(model.getSubmodule('features.3').stateDict().get('weight')?.toArray(), before);
    assert.throws(
      () => model.loadStateDict(state, { strict: false }),
      /features\.0\.weight has shape \(32,1,3,3\), the checkpoint has \(16,1,3,3\)/,
    );
  });

  it('names missing and unexpected keys when strict, and reports them when not', () => {
    const model = seedNet();
    const state = model.stateDict();
    state.delete('classifier.3.bias');
    state.set('classifier.5.weight', Tensor.zeros([1]));
    assert.throws(
      () => model.loadStateDict(state),
      /^ShapeError: loadStateDict: missing key classifier\.3\.bias; unexpected key classifier\.5\.weight$/,
    );
    const result = model.loadStateDict(state, { strict: false });
    assert.deepEqual(result, {
      missingKeys: ['classifier.3.bias'],
      unexpectedKeys: ['classifier.5.weight'],
    });
    state.delete('classifier.3.weight');
    assert.throws(
      () => model.loadStateDict(state),
      /missing keys classifier\.3\.weight, classifier\.3\.bias/,
    );
  });

  it('a loss through a loaded model trains', () => {
    const model = seedNet({ imageSize: 8, numClasses: 3 });
    model.loadStateDict(seedNet({ seed: 3, imageSize: 8, numClasses: 3 }).stateDict());
    const loss = crossEntropy(model.forward(Tensor.randn([2, 1, 8, 8], new Rng(1))), [0, 2]);
    loss.backward();
    assert.ok(model.parameters().every((p) => p.grad !== null));
  });
});
