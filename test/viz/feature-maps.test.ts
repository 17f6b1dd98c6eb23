import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../../src/kernels/reference/index.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { Dropout } from '../../src/nn/dropout.js';
import { Flatten } from '../../src/nn/flatten.js';
import { Linear } from '../../src/nn/linear.js';
import { seedNet } from '../../src/nn/presets.js';
import { ReLU } from '../../src/nn/relu.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Rng } from '../../src/rng.js';
import { ShapeError } from '../../src/shape/shape-error.js';
import { Tensor } from '../../src/tensor.js';
import { captureFeatureMaps, namedLayerSequence } from '../../src/viz/feature-maps.js';

describe('captureFeatureMaps', () => {
  it('returns every layer of seedNet with its dotted name, type and shape', () => {
    const model = seedNet();
    const image = Tensor.uniform([1, 1, 28, 28], new Rng(1));
    const maps = captureFeatureMaps(model, image);
    assert.deepEqual(
      maps.map((m) => `${m.name} ${m.type} (${m.shape.join(',')})`),
      [
        'features.0 Conv2d (1,32,28,28)',
        'features.1 ReLU (1,32,28,28)',
        'features.2 MaxPool2d (1,32,14,14)',
        'features.3 Conv2d (1,64,14,14)',
        'features.4 ReLU (1,64,14,14)',
        'features.5 MaxPool2d (1,64,7,7)',
        'classifier.0 Flatten (1,3136)',
        'classifier.1 Linear (1,128)',
        'classifier.2 ReLU (1,128)',
        'classifier.3 Linear (1,10)',
      ],
    );
    // The last output is the model's output.
    const direct = model.eval().forward(image);
    assert.deepEqual(Array.from(maps[maps.length - 1].output.data), Array.from(direct.data));
  });

  it('records no graph, runs in eval mode and restores the training mode', () => {
    const rng = new Rng(2);
    const model = new Sequential(
      new Flatten(),
      new Dropout(0.5, { rng }),
      new Linear(4, 2, { rng }),
    );
    assert.equal(model.training, true);
    const maps = captureFeatureMaps(model, Tensor.ones([1, 1, 2, 2]));
    assert.equal(model.training, true);
    assert.deepEqual(Array.from(maps[1].output.data), [1, 1, 1, 1], 'dropout is off in eval mode');
    for (const map of maps) {
      assert.equal(map.output.requiresGrad, false);
      assert.equal(map.output.gradFn, null);
    }
    model.eval();
    captureFeatureMaps(model, Tensor.ones([1, 1, 2, 2]));
    assert.equal(model.training, false);
  });

  it('flattens nested Sequentials and names a lone layer by its type', () => {
    const inner = Sequential.named({ conv: new Conv2d(1, 2, 3), act: new ReLU() });
    const model = Sequential.named({ block: Sequential.named({ inner }), head: new Flatten() });
    assert.deepEqual(
      namedLayerSequence(model).map(([name]) => name),
      ['block.inner.conv', 'block.inner.act', 'head'],
    );
    assert.deepEqual(
      namedLayerSequence(new ReLU()).map(([name]) => name),
      ['ReLU'],
    );
  });

  it('names the layer that cannot take the input, before running anything', () => {
    const model = seedNet();
    assert.throws(
      () => captureFeatureMaps(model, Tensor.zeros([1, 3, 28, 28])),
      (error: unknown) =>
        error instanceof ShapeError &&
        /captureFeatureMaps: the input \(1,3,28,28\) does not fit the model: layer features\.0 \(Conv2d\)/.test(
          error.message,
        ) &&
        /3 channels/.test(error.message),
    );
    assert.throws(
      () => captureFeatureMaps(model, Tensor.zeros([1, 1, 32, 32])),
      /layer classifier\.1 \(Linear\)/,
    );
  });

  it('takes one image (1,C,H,W) only', () => {
    const model = seedNet();
    assert.throws(
      () => captureFeatureMaps(model, Tensor.zeros([2, 1, 28, 28])),
      /\(1,C,H,W\), got \(2,1,28,28\)/,
    );
    assert.throws(
      () => captureFeatureMaps(model, Tensor.zeros([1, 28, 28])),
      /\(1,C,H,W\), got \(1,28,28\)/,
    );
  });
});
