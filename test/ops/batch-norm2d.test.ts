import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noGrad } from '../../src/autograd.js';
import { assertClose } from '../../src/check/compare.js';
import { batchNorm2d } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

describe('batchNorm2d op', () => {
  it('updates the running statistics as PyTorch: momentum, unbiased variance', () => {
    // One channel, values 1, 2, 3, 6: mean 3, biased variance 14/4, unbiased 14/3.
    const x = Tensor.from([1, 2, 3, 6], [2, 1, 1, 2], 'float64');
    const runningMean = Tensor.from([1], [1], 'float64');
    const runningVar = Tensor.from([2], [1], 'float64');
    const y = batchNorm2d(x, runningMean, runningVar, { training: true, momentum: 0.25 });
    assertClose(runningMean.data, [0.75 * 1 + 0.25 * 3], { rtol: 1e-15 }, 'running mean');
    assertClose(runningVar.data, [0.75 * 2 + 0.25 * (14 / 3)], { rtol: 1e-15 }, 'running var');
    // The output is normalised with the biased variance.
    const scale = 1 / Math.sqrt(14 / 4 + 1e-5);
    assertClose(y.data, [-2 * scale, -1 * scale, 0, 3 * scale], { rtol: 1e-14 }, 'y');
  });

  it('normalises each channel to mean 0 and variance 1 before gamma and beta', () => {
    const rng = new Rng(1);
    const x = Tensor.randn([4, 3, 2, 5], rng, 3, 'float64');
    const weight = Tensor.from([2, 1, 0.5], [3], 'float64');
    const bias = Tensor.from([1, 0, -1], [3], 'float64');
    const y = batchNorm2d(x, null, null, { weight, bias, training: true, eps: 1e-12 });
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      let squares = 0;
      for (let n = 0; n < 4; n++) {
        for (let k = 0; k < 10; k++) {
          const v = (y.data[(n * 3 + c) * 10 + k] - bias.data[c]) / weight.data[c];
          sum += v;
          squares += v * v;
        }
      }
      assert.ok(Math.abs(sum / 40) < 1e-12);
      assert.ok(Math.abs(squares / 40 - 1) < 1e-9);
    }
  });

  it('uses the running statistics in evaluation and leaves them alone', () => {
    const x = Tensor.from([1, 2, 3, 4], [1, 2, 1, 2], 'float64');
    const runningMean = Tensor.from([1, -1], [2], 'float64');
    const runningVar = Tensor.from([4, 0.25], [2], 'float64');
    const weight = Tensor.from([3, 1], [2], 'float64');
    const bias = Tensor.from([0, 10], [2], 'float64');
    const y = batchNorm2d(x, runningMean, runningVar, { weight, bias, eps: 0.01 });
    const s0 = 3 / Math.sqrt(4.01);
    const s1 = 1 / Math.sqrt(0.26);
    assertClose(y.data, [0, s0, 4 * s1 + 10, 5 * s1 + 10], { rtol: 1e-14 }, 'y');
    assert.deepEqual(runningMean.toArray(), [1, -1]);
    assert.deepEqual(runningVar.toArray(), [4, 0.25]);
  });

  it('updates the running statistics in training even inside noGrad (as PyTorch)', () => {
    const runningMean = Tensor.zeros([1], 'float64');
    const runningVar = Tensor.ones([1], 'float64');
    noGrad(() =>
      batchNorm2d(Tensor.from([2, 4], [1, 1, 1, 2], 'float64'), runningMean, runningVar, {
        training: true,
      }),
    );
    assertClose(runningMean.data, [0.3], { rtol: 1e-15 }, 'running mean');
    assertClose(runningVar.data, [0.9 + 0.1 * 2], { rtol: 1e-15 }, 'running var');
  });

  it('gradient check, training: affine, non-square maps', () => {
    const rng = new Rng(2);
    const x = leaf(rng, [3, 2, 3, 4], 2);
    const weight = leaf(rng, [2]);
    const bias = leaf(rng, [2]);
    const runningMean = Tensor.zeros([2], 'float64');
    const runningVar = Tensor.ones([2], 'float64');
    const f = () => batchNorm2d(x, runningMean, runningVar, { weight, bias, training: true });
    checkOpGradients('batchNorm2d train', f, { x, weight, bias }, rng);
  });

  it('gradient check, training: no affine part, N = 1', () => {
    const rng = new Rng(3);
    const x = leaf(rng, [1, 3, 2, 3]);
    const f = () => batchNorm2d(x, null, null, { training: true, eps: 1e-3 });
    checkOpGradients('batchNorm2d train N=1', f, { x }, rng);
  });

  it('gradient check, evaluation', () => {
    const rng = new Rng(4);
    const x = leaf(rng, [2, 3, 2, 2]);
    const weight = leaf(rng, [3]);
    const bias = leaf(rng, [3]);
    const runningMean = Tensor.from([0.1, -0.2, 0.3], [3], 'float64');
    const runningVar = Tensor.from([0.5, 1.5, 2], [3], 'float64');
    const f = () => batchNorm2d(x, runningMean, runningVar, { weight, bias });
    checkOpGradients('batchNorm2d eval', f, { x, weight, bias }, rng);
  });

  it('backward in evaluation uses the statistics of its forward, even if they change later', () => {
    const x = Tensor.from([1, 2], [1, 1, 1, 2], 'float64').requireGrad();
    const runningMean = Tensor.zeros([1], 'float64');
    const runningVar = Tensor.from([3], [1], 'float64');
    const y = batchNorm2d(x, runningMean, runningVar, { eps: 1 });
    batchNorm2d(Tensor.from([5, 9], [1, 1, 1, 2], 'float64'), runningMean, runningVar, {
      training: true,
    });
    y.backward(Tensor.ones([1, 1, 1, 2], 'float64'));
    assert.deepEqual(x.grad?.toArray(), [0.5, 0.5]);
  });

  it('keeps float32 in float32', () => {
    const y = batchNorm2d(Tensor.from([1, 2, 3, 4], [2, 2, 1, 1]), null, null, { training: true });
    assert.equal(y.dtype, 'float32');
  });

  it('rejects bad inputs, naming the op and the shapes', () => {
    const x = Tensor.zeros([2, 3, 2, 2]);
    assert.throws(
      () => batchNorm2d(x, Tensor.zeros([4]), Tensor.zeros([4])),
      /batchNorm2d: runningMean has 4 entries, but the input \(2,3,2,2\) has 3 channels/,
    );
    assert.throws(
      () => batchNorm2d(x, null, null, { weight: Tensor.zeros([3, 1]), training: true }),
      /batchNorm2d: weight must be 1-D \(C\), got shape \(3,1\)/,
    );
    assert.throws(
      () => batchNorm2d(Tensor.zeros([1, 3, 1, 1]), null, null, { training: true }),
      /batchNorm2d: expected more than 1 value per channel when training, got input \(1,3,1,1\)/,
    );
    assert.throws(
      () => batchNorm2d(x, null, null),
      /evaluation mode \(training false\) needs runningMean and runningVar/,
    );
    assert.throws(
      () => batchNorm2d(x, Tensor.zeros([3]), null, { training: true }),
      /give both runningMean and runningVar, or neither/,
    );
    assert.throws(
      () => batchNorm2d(x, null, null, { training: true, momentum: 1.5 }),
      /batchNorm2d: momentum must be in \[0, 1\], got 1.5/,
    );
    assert.throws(
      () => batchNorm2d(Tensor.zeros([2, 3, 4]), null, null, { training: true }),
      /batchNorm2d: input must have 4 dimensions \(N,C,H,W\), got shape \(2,3,4\)/,
    );
  });
});
