import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noGrad } from '../../src/autograd.js';
import { fashionNet, lenet5, seedNet, type Sequential } from '../../src/nn/index.js';
import { crossEntropy } from '../../src/ops/index.js';
import { SGD } from '../../src/optim/sgd.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';

/** Trains on random data drawn from the seed; returns the final state. */
function trainRandom(model: Sequential, seed: number, steps: number, imageSize: number) {
  const rng = new Rng(seed);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  for (let step = 0; step < steps; step++) {
    const x = Tensor.randn([4, 1, imageSize, imageSize], rng);
    const labels = Array.from({ length: 4 }, () => rng.int(10));
    opt.zeroGrad();
    crossEntropy(model.forward(x), labels).backward();
    opt.step();
  }
  return model.stateDict();
}

function assertBitwiseEqual(a: Map<string, Tensor>, b: Map<string, Tensor>): void {
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [name, t] of a) {
    const u = b.get(name);
    assert.ok(u !== undefined);
    assert.ok(
      t.data.every((v, i) => Object.is(v, u.data[i])),
      `${name} differs between two runs with the same seed`,
    );
  }
}

describe('presets', () => {
  it('seeded determinism: two 20-step SGD runs of seedNet with one seed give identical weights', () => {
    const run = () => trainRandom(seedNet({ seed: 42, imageSize: 8 }), 42, 20, 8);
    const first = run();
    assertBitwiseEqual(first, run());
    const other = trainRandom(seedNet({ seed: 43, imageSize: 8 }), 42, 20, 8);
    assert.notDeepEqual(other.get('features.0.weight')?.data, first.get('features.0.weight')?.data);
  });

  it('seeded determinism with dropout and batch norm: fashionNet', () => {
    const run = () => trainRandom(fashionNet({ seed: 5, imageSize: 8 }), 5, 5, 8);
    assertBitwiseEqual(run(), run());
  });

  it('take inChannels, numClasses and imageSize, and size the head by shape inference', () => {
    for (const make of [seedNet, lenet5, fashionNet]) {
      const model = make({ inChannels: 3, numClasses: 5, imageSize: [20, 36], seed: 1 });
      model.eval();
      const y = noGrad(() => model.forward(Tensor.randn([2, 3, 20, 36], new Rng(1))));
      assert.deepEqual([...y.shape], [2, 5]);
    }
    assert.deepEqual(seedNet().getSubmodule('classifier.1').parameters()[0].shape, [128, 3136]);
    assert.deepEqual(lenet5().getSubmodule('classifier.1').parameters()[0].shape, [120, 400]);
    assert.deepEqual(
      lenet5({ imageSize: 32 }).getSubmodule('classifier.1').parameters()[0].shape,
      [120, 576],
    );
  });

  it('lenet5: ReLU and max pooling by default, tanh and average pooling on request', () => {
    const layerTypes = (model: Sequential) =>
      model
        .getSubmodule('features')
        .children()
        .map((m) => m.typeName);
    assert.deepEqual(layerTypes(lenet5()), [
      'Conv2d',
      'ReLU',
      'MaxPool2d',
      'Conv2d',
      'ReLU',
      'MaxPool2d',
    ]);
    assert.deepEqual(layerTypes(lenet5({ activation: 'tanh', pooling: 'avg' })), [
      'Conv2d',
      'Tanh',
      'AvgPool2d',
      'Conv2d',
      'Tanh',
      'AvgPool2d',
    ]);
  });

  it('reject bad options with the preset name', () => {
    assert.throws(
      () => seedNet({ imageSize: 3 }),
      /seedNet: imageSize \(3,3\) is too small for its layers: maxPool2d: kernel height 2 is larger than the padded input height 1/,
    );
    assert.throws(() => seedNet({ seed: 1.5 }), /seedNet: seed must be an integer, got 1.5/);
    assert.throws(
      () => lenet5({ numClasses: 0 }),
      /lenet5: numClasses must be an integer >= 1, got 0/,
    );
    assert.throws(() => fashionNet({ dropout: 2 }), /fashionNet: dropout must be a probability/);
  });

  it('float64 presets for gradient checks and golden tests', () => {
    const model = seedNet({ dtype: 'float64' });
    assert.ok(model.parameters().every((p) => p.dtype === 'float64'));
    assert.ok(
      fashionNet({ dtype: 'float64' })
        .buffers()
        .every((b) => b.dtype === 'float64'),
    );
  });
});
