import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BatchNorm2d,
  Conv2d,
  Flatten,
  Layer,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  fashionNet,
  lenet5,
  seedNet,
  summary,
} from '../../src/nn/index.js';
import { ShapeError } from '../../src/shape/shape-error.js';
import type { Shape, Tensor } from '../../src/tensor.js';

/** A custom layer with children: one summary row holding all their parameters. */
class ConvBlock extends Layer {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  constructor(from: number, to: number) {
    super();
    this.conv = this.registerModule('conv', new Conv2d(from, to, 3, { padding: 1, bias: false }));
    this.bn = this.registerModule('bn', new BatchNorm2d(to));
  }
  forward(x: Tensor): Tensor {
    return this.bn.forward(this.conv.forward(x));
  }
  outputShape(inputShape: Shape): Shape {
    return this.bn.outputShape(this.conv.outputShape(inputShape));
  }
}

describe('summary', () => {
  it('seedNet: one row per layer with its output shape and parameter count; 421,642 in all', () => {
    const s = summary(seedNet(), [1, 1, 28, 28]);
    assert.deepEqual(
      s.rows.map((r) => [r.name, r.type, r.outputShape.join('x'), r.parameters]),
      [
        ['features.0', 'Conv2d', '1x32x28x28', 320],
        ['features.1', 'ReLU', '1x32x28x28', 0],
        ['features.2', 'MaxPool2d', '1x32x14x14', 0],
        ['features.3', 'Conv2d', '1x64x14x14', 18496],
        ['features.4', 'ReLU', '1x64x14x14', 0],
        ['features.5', 'MaxPool2d', '1x64x7x7', 0],
        ['classifier.0', 'Flatten', '1x3136', 0],
        ['classifier.1', 'Linear', '1x128', 401536],
        ['classifier.2', 'ReLU', '1x128', 0],
        ['classifier.3', 'Linear', '1x10', 1290],
      ],
    );
    assert.equal(s.totalParameters, 421642);
    assert.equal(s.trainableParameters, 421642);
    assert.equal(s.nonTrainableParameters, 0);
    assert.deepEqual(s.outputShape, [1, 10]);
    const lines = s.table.split('\n');
    assert.equal(lines[0], 'Layer (type)             Output shape   Param #');
    assert.ok(lines.includes('features.3 (Conv2d)      (1,64,14,14)    18,496'));
    assert.ok(lines.includes('classifier.1 (Linear)    (1,128)        401,536'));
    assert.deepEqual(lines.slice(-3), [
      'Total params: 421,642',
      'Trainable params: 421,642',
      'Non-trainable params: 0',
    ]);
  });

  it('uses shapes only: a batch of 100,000 images costs nothing', () => {
    const start = performance.now();
    const s = summary(seedNet(), [100000, 1, 28, 28]);
    assert.deepEqual(s.outputShape, [100000, 10]);
    assert.ok(performance.now() - start < 1000);
  });

  it('reports an impossible shape at the layer where it fails, by name', () => {
    const model = Sequential.named({
      features: new Sequential(
        new Conv2d(1, 16, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(32, 64, 3, { padding: 1 }),
      ),
    });
    assert.throws(
      () => summary(model, [1, 1, 28, 28]),
      (error: unknown) =>
        error instanceof ShapeError &&
        error.message ===
          'summary: layer features.3 (Conv2d): input has 16 channels, conv weight expects 32',
    );
    assert.throws(
      () => summary(seedNet(), [1, 1, 32, 32]),
      /summary: layer classifier\.1 \(Linear\): input has 4096 features, weight \(128,3136\) expects 3136/,
    );
    assert.throws(
      () => summary(new Conv2d(3, 8, 3), [1, 3, 2, 2]),
      /summary: layer Conv2d: kernel height 3 is larger than the padded input height 2/,
    );
  });

  it('counts frozen parameters as non-trainable, and a custom layer as one row', () => {
    const model = new Sequential(new ConvBlock(3, 8), new Flatten(), new Linear(8 * 4 * 4, 2));
    model.at(2).parameters()[0].requireGrad(false);
    const s = summary(model, [2, 3, 4, 4]);
    assert.deepEqual(
      s.rows.map((r) => [r.name, r.type, r.parameters, r.trainableParameters]),
      [
        ['0', 'ConvBlock', 8 * 3 * 9 + 16, 8 * 3 * 9 + 16],
        ['1', 'Flatten', 0, 0],
        ['2', 'Linear', 256 + 2, 2],
      ],
    );
    assert.equal(s.totalParameters, 216 + 16 + 258);
    assert.equal(s.nonTrainableParameters, 256);
    assert.ok(s.table.endsWith('Non-trainable params: 256'));
  });

  it('lenet5 and fashionNet', () => {
    const lenet = summary(lenet5(), [1, 1, 28, 28]);
    assert.equal(lenet.totalParameters, 61706);
    assert.deepEqual(lenet.rows[5].outputShape, [1, 16, 5, 5]);
    const fashion = summary(fashionNet(), [1, 1, 28, 28]);
    assert.equal(fashion.totalParameters, 468010);
    assert.deepEqual(fashion.outputShape, [1, 10]);
    assert.equal(fashion.rows.filter((r) => r.type === 'BatchNorm2d').length, 4);
  });
});
