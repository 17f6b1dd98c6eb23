import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noGrad } from '../../src/autograd.js';
import { assertClose } from '../../src/check/compare.js';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Flatten,
  GlobalAvgPool2d,
  LeakyReLU,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
  Upsample,
  type Layer,
} from '../../src/nn/index.js';
import {
  avgPool2d,
  conv2d,
  convTranspose2d,
  linear,
  maxPool2d,
  upsampleBilinear2d,
} from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor, type Shape } from '../../src/tensor.js';

/** outputShape must predict the shape forward produces. */
function assertShapeAgrees(layer: Layer, inputShape: Shape, rng: Rng): Tensor {
  const x = Tensor.randn(inputShape, rng);
  const y = noGrad(() => layer.forward(x));
  assert.deepEqual(
    [...layer.outputShape(inputShape)],
    [...y.shape],
    `${layer.toString()} on (${inputShape.join(',')})`,
  );
  return y;
}

describe('layers', () => {
  it('outputShape agrees with forward for every layer, on odd and non-square sizes', () => {
    const rng = new Rng(1);
    const cases: [Layer, Shape][] = [
      [
        new Conv2d(3, 4, [3, 2], { stride: [2, 1], padding: [1, 0], dilation: 2, rng }),
        [2, 3, 9, 7],
      ],
      [new Conv2d(4, 6, 1, { groups: 2, bias: false, rng }), [1, 4, 5, 5]],
      [
        new ConvTranspose2d(3, 4, 3, { stride: 2, padding: 1, outputPadding: 1, rng }),
        [2, 3, 5, 4],
      ],
      [new ConvTranspose2d(4, 2, 2, { stride: 2, groups: 2, rng }), [1, 4, 3, 3]],
      [new MaxPool2d(3, { stride: 2, padding: 1 }), [2, 3, 7, 6]],
      [new AvgPool2d([2, 3], { countIncludePad: false, padding: [1, 1] }), [1, 2, 5, 7]],
      [new AdaptiveAvgPool2d([3, 2]), [2, 3, 7, 5]],
      [new AdaptiveAvgPool2d(2), [1, 2, 6, 4]],
      [new AdaptiveAvgPool2d(1), [2, 3, 5, 5]],
      [new GlobalAvgPool2d(), [2, 5, 3, 4]],
      [new Linear(6, 3, { rng }), [4, 6]],
      [new Linear(6, 3, { rng }), [2, 5, 6]],
      [new ReLU(), [2, 3]],
      [new LeakyReLU(0.2), [3, 1, 2]],
      [new Sigmoid(), [5]],
      [new Tanh(), [2, 2, 2, 2]],
      [new BatchNorm2d(3), [2, 3, 4, 5]],
      [new Dropout(0.3, { rng }), [2, 8]],
      [new Flatten(), [2, 3, 4, 5]],
      [new Flatten(0, 2), [2, 3, 4, 5]],
      [new Upsample({ scaleFactor: 2 }), [1, 2, 3, 4]],
      [new Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true }), [1, 2, 3, 4]],
      [new Upsample({ scaleFactor: [1.5, 0.5], mode: 'bilinear' }), [1, 1, 4, 6]],
    ];
    for (const [layer, shape] of cases) assertShapeAgrees(layer, shape, rng);
  });

  it('layers call their ops with their configuration', () => {
    const rng = new Rng(2);
    const x = Tensor.randn([2, 3, 6, 5], rng);
    const conv = new Conv2d(3, 4, 3, { stride: 2, padding: 1, rng });
    const options = { stride: 2, padding: 1 };
    assert.deepEqual(
      conv.forward(x).toArray(),
      conv2d(x, conv.weight, conv.bias, options).toArray(),
    );
    const up = new ConvTranspose2d(3, 2, 3, { stride: 2, outputPadding: 1, rng });
    assert.deepEqual(
      up.forward(x).toArray(),
      convTranspose2d(x, up.weight, up.bias, { stride: 2, outputPadding: 1 }).toArray(),
    );
    assert.deepEqual(
      new MaxPool2d(2, { stride: 1 }).forward(x).toArray(),
      maxPool2d(x, { kernelSize: 2, stride: 1 }).toArray(),
    );
    assert.deepEqual(
      new AvgPool2d(3, { padding: 1, countIncludePad: false }).forward(x).toArray(),
      avgPool2d(x, { kernelSize: 3, padding: 1, countIncludePad: false }).toArray(),
    );
    const fc = new Linear(5, 2, { rng, bias: false });
    assert.equal(fc.bias, null);
    assert.deepEqual(fc.forward(x).toArray(), linear(x, fc.weight).toArray());
    assert.deepEqual(
      new Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(x).toArray(),
      upsampleBilinear2d(x, { scaleFactor: 2 }).toArray(),
    );
  });

  it('AdaptiveAvgPool2d: windows overlap when the size does not divide, and it may grow', () => {
    // One row 0..4 pooled to 3: windows [0,2), [1,4), [3,5).
    const x = Tensor.from([0, 1, 2, 3, 4], [1, 1, 1, 5], 'float64');
    assert.deepEqual(new AdaptiveAvgPool2d([1, 3]).forward(x).toArray(), [0.5, 2, 3.5]);
    const y = new AdaptiveAvgPool2d([2, 7]).forward(x);
    assert.deepEqual([...y.shape], [1, 1, 2, 7]);
    // Growing 5 -> 7: windows [0,1), [0,2), [1,3), [2,3), [2,4), [3,5), [4,5).
    assertClose(y.data.slice(0, 7), [0, 0.5, 1.5, 2, 2.5, 3.5, 4], { rtol: 1e-15 }, 'row 0');
  });

  it('ReLU, LeakyReLU, Sigmoid, Tanh', () => {
    const x = Tensor.from([-2, 0.5], [2], 'float64');
    assert.deepEqual(new ReLU().forward(x).toArray(), [0, 0.5]);
    assert.deepEqual(new LeakyReLU(0.1).forward(x).toArray(), [-0.2, 0.5]);
    assertClose(
      new Sigmoid().forward(x).toArray(),
      [1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(-0.5))],
      {},
    );
    assertClose(new Tanh().forward(x).toArray(), [Math.tanh(-2), Math.tanh(0.5)], {});
    assert.equal(new LeakyReLU().negativeSlope, 0.01);
  });

  it('Flatten keeps the batch axis by default', () => {
    const y = new Flatten().forward(Tensor.zeros([2, 3, 4, 5]));
    assert.deepEqual([...y.shape], [2, 60]);
    assert.throws(
      () => new Flatten(2, 1).outputShape([2, 3, 4]),
      /flatten: startDim 2 comes after endDim 1 for shape \(2,3,4\)/,
    );
  });
});

describe('BatchNorm2d', () => {
  it('training: batch statistics, running statistics updated; evaluation: running statistics', () => {
    const rng = new Rng(3);
    const bn = new BatchNorm2d(2, { momentum: 0.5, dtype: 'float64' });
    const x = Tensor.randn([4, 2, 3, 3], rng, 2, 'float64');
    for (let i = 0; i < x.size; i++) x.data[i] += 1;
    const y = bn.forward(x);
    // Training output: mean 0, biased variance 1 per channel.
    for (let c = 0; c < 2; c++) {
      const values: number[] = [];
      for (let n = 0; n < 4; n++)
        values.push(...y.data.slice((n * 2 + c) * 9, (n * 2 + c + 1) * 9));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      assert.ok(Math.abs(mean) < 1e-12);
      assert.ok(Math.abs(variance - 1) < 1e-4);
    }
    assert.ok(bn.runningMean !== null && bn.runningVar !== null && bn.numBatchesTracked !== null);
    assert.equal(bn.numBatchesTracked.item(), 1);
    const runningMean = bn.runningMean.toArray();
    const runningVar = bn.runningVar.toArray();
    assert.ok(runningMean.every((m) => m !== 0));

    bn.eval();
    const evalY = bn.forward(x);
    assert.deepEqual(bn.runningMean.toArray(), runningMean, 'evaluation leaves the statistics');
    assert.equal(bn.numBatchesTracked.item(), 1);
    for (let i = 0; i < x.size; i++) {
      const c = Math.floor(i / 9) % 2;
      const expected = (x.data[i] - runningMean[c]) / Math.sqrt(runningVar[c] + 1e-5);
      assert.ok(Math.abs(evalY.data[i] - expected) < 1e-12);
    }
    assert.notDeepEqual(evalY.toArray(), y.toArray());
  });

  it('momentum null is a cumulative average of the batch statistics', () => {
    const bn = new BatchNorm2d(1, { momentum: null, affine: false, dtype: 'float64' });
    const means = [2, 4, 9];
    for (const m of means) bn.forward(Tensor.from([m - 1, m + 1], [1, 1, 1, 2], 'float64'));
    assert.deepEqual(bn.runningMean?.toArray(), [5]);
    assert.deepEqual(bn.runningVar?.toArray(), [2]);
    assert.deepEqual(bn.parameters(), []);
  });

  it('without running statistics it normalises with the batch, even in evaluation', () => {
    const bn = new BatchNorm2d(1, { trackRunningStats: false, dtype: 'float64' }).eval();
    assert.deepEqual(bn.buffers(), []);
    const y = bn.forward(Tensor.from([1, 3], [1, 1, 1, 2], 'float64'));
    assertClose(y.data, [-1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5)], { rtol: 1e-14 });
  });

  it('names the channel mismatch', () => {
    assert.throws(
      () => new BatchNorm2d(16).forward(Tensor.zeros([2, 32, 2, 2])),
      /batchNorm2d: input \(2,32,2,2\) has 32 channels, the layer expects 16 \(numFeatures\)/,
    );
  });
});

describe('Dropout', () => {
  it('is the identity in evaluation: the input itself', () => {
    const drop = new Dropout(0.9, { rng: new Rng(1) }).eval();
    const x = Tensor.randn([4, 5], new Rng(2));
    assert.equal(drop.forward(x), x);
  });

  it('drops about p of the elements in training and scales the rest by 1/(1-p)', () => {
    const drop = new Dropout(0.25, { rng: new Rng(3) });
    const y = drop.forward(Tensor.ones([100, 100], 'float64'));
    const kept = y.toArray().filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 4 / 3) < 1e-15));
    assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02);
  });

  it('same seed, same masks; p = 0 and p = 1', () => {
    const x = Tensor.randn([3, 7], new Rng(4));
    const a = new Dropout(0.5, { rng: new Rng(5) });
    const b = new Dropout(0.5, { rng: new Rng(5) });
    for (let i = 0; i < 3; i++) assert.deepEqual(a.forward(x).toArray(), b.forward(x).toArray());
    assert.equal(new Dropout(0).forward(x), x);
    assert.ok(
      new Dropout(1, { rng: new Rng(6) })
        .forward(x)
        .toArray()
        .every((v) => v === 0),
    );
  });
});

describe('Sequential', () => {
  it('numbers its children, is indexable and iterable, and nests', () => {
    const relu = new ReLU();
    const flatten = new Flatten();
    const inner = new Sequential(new Tanh());
    const model = new Sequential(relu, inner).append(flatten);
    assert.equal(model.length, 3);
    assert.equal(model.at(0), relu);
    assert.equal(model.at(-1), flatten);
    assert.deepEqual([...model], [relu, inner, flatten]);
    assert.deepEqual(
      model.namedLayers().map(([n]) => n),
      ['0', '1', '2'],
    );
    assert.throws(() => model.at(3), /Sequential.at: index 3 is out of range for 3 layers/);
    assert.throws(() => model.at(-4), /index -4 is out of range/);
    const x = Tensor.from([-1, 1], [1, 2, 1, 1], 'float64');
    assert.deepEqual(model.forward(x).toArray(), [0, Math.tanh(1)]);
    assert.deepEqual([...model.outputShape([1, 2, 1, 1])], [1, 2]);
  });

  it('named children, in order', () => {
    const model = Sequential.named({ body: new ReLU(), head: new Flatten() });
    assert.deepEqual(
      model.namedLayers().map(([n]) => n),
      ['body', 'head'],
    );
    assert.equal(model.getSubmodule('head'), model.at(1));
  });

  it('an empty Sequential is the identity', () => {
    const x = Tensor.ones([2]);
    assert.equal(new Sequential().forward(x), x);
    assert.deepEqual([...new Sequential().outputShape([2, 3])], [2, 3]);
  });
});

describe('constructor arguments are validated', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'conv channels',
      () => new Conv2d(0, 4, 3),
      /Conv2d: inChannels must be an integer >= 1, got 0/,
    ],
    [
      'conv kernel',
      () => new Conv2d(1, 4, [3, 0]),
      /Conv2d: kernelSize must be integers >= 1, got \(3,0\)/,
    ],
    [
      'conv stride',
      () => new Conv2d(1, 4, 3, { stride: 0 }),
      /Conv2d: stride must be integers >= 1/,
    ],
    [
      'conv padding',
      () => new Conv2d(1, 4, 3, { padding: -1 }),
      /Conv2d: padding must be integers >= 0, got -1/,
    ],
    [
      'conv groups',
      () => new Conv2d(4, 6, 3, { groups: 4 }),
      /^ShapeError: Conv2d: 6 output channels cannot be split into 4 groups$/,
    ],
    [
      'transposed conv output padding',
      () => new ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 }),
      /ConvTranspose2d: output padding 2 must be smaller than either stride 2 or dilation 1 \(height\)/,
    ],
    [
      'pool padding',
      () => new MaxPool2d(2, { padding: 2 }),
      /MaxPool2d: padding \(2,2\) must be at most half the kernel \(2,2\)/,
    ],
    ['avg pool kernel', () => new AvgPool2d(1.5), /AvgPool2d: kernelSize must be integers >= 1/],
    [
      'adaptive size',
      () => new AdaptiveAvgPool2d([0, 2]),
      /AdaptiveAvgPool2d: outputSize must be integers >= 1, got \(0,2\)/,
    ],
    ['linear', () => new Linear(3, 2.5), /Linear: outFeatures must be an integer >= 1, got 2.5/],
    ['leaky slope', () => new LeakyReLU(NaN), /LeakyReLU: negativeSlope must be a finite number/],
    ['bn eps', () => new BatchNorm2d(3, { eps: 0 }), /BatchNorm2d: eps must be positive, got 0/],
    [
      'bn momentum',
      () => new BatchNorm2d(3, { momentum: 2 }),
      /BatchNorm2d: momentum must be in \[0, 1\], got 2/,
    ],
    ['dropout', () => new Dropout(1.5), /Dropout: p must be a probability in \[0, 1\], got 1.5/],
    ['flatten', () => new Flatten(0.5), /Flatten: startDim must be an integer, got 0.5/],
    [
      'upsample target',
      () => new Upsample({ size: 4, scaleFactor: 2 }),
      /Upsample: give exactly one of size and scaleFactor/,
    ],
    [
      'upsample corners',
      () => new Upsample({ scaleFactor: 2, alignCorners: true }),
      /Upsample: alignCorners only applies to mode 'bilinear'/,
    ],
    [
      'upsample scale',
      () => new Upsample({ scaleFactor: -1 }),
      /Upsample: scale factor must be a positive number, got -1/,
    ],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => assert.throws(make, message));
  }

  it('and impossible input shapes name the op', () => {
    assert.throws(
      () => new Conv2d(3, 4, 3).outputShape([1, 2, 8, 8]),
      /conv2d: input has 2 channels, conv weight expects 3/,
    );
    assert.throws(
      () => new Linear(10, 2).forward(Tensor.zeros([1, 9])),
      /linear: input has 9 features, weight \(2,10\) expects 10/,
    );
    assert.throws(
      () => new Linear(10, 2).outputShape([1, 9]),
      /linear: input has 9 features, weight \(2,10\) expects 10/,
    );
    assert.throws(
      () => new MaxPool2d(3).outputShape([1, 1, 2, 2]),
      /maxPool2d: kernel height 3 is larger than the padded input height 2/,
    );
    assert.throws(
      () => new GlobalAvgPool2d().outputShape([2, 3]),
      /globalAvgPool2d: input must have 4 dimensions/,
    );
  });
});
