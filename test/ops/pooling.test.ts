import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { avgPool2d, flatten, globalAvgPool2d, maxPool2d } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { distinctArray } from '../helpers.js';
import { checkOpGradients, leaf } from './op-gradient.js';

/** A float64 leaf with distinct values, so every max-pool window has a unique maximum. */
function distinctLeaf(rng: Rng, shape: number[]): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return Tensor.from(distinctArray(rng, size), shape, 'float64').requireGrad();
}

describe('maxPool2d op', () => {
  it('gradient check: 2x2, stride 2, odd input', () => {
    const rng = new Rng(1);
    const x = distinctLeaf(rng, [2, 2, 5, 7]);
    checkOpGradients('maxPool2d', () => maxPool2d(x, { kernelSize: 2 }), { x }, rng);
  });

  it('gradient check: 3x3, stride 2, padding 1 (overlapping windows), N = 1', () => {
    const rng = new Rng(2);
    const x = distinctLeaf(rng, [1, 3, 6, 5]);
    const f = () => maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 });
    checkOpGradients('maxPool2d overlapping', f, { x }, rng);
  });

  it('takes the window maxima and routes the gradient to them', () => {
    const x = Tensor.from([1, 5, 2, 0, 3, 4, 9, 8], [1, 1, 2, 4], 'float64').requireGrad();
    const y = maxPool2d(x, { kernelSize: 2 });
    assert.deepEqual(y.toArray(), [5, 9]);
    y.backward(Tensor.from([10, 20], [1, 1, 1, 2], 'float64'));
    assert.deepEqual(x.grad?.toArray(), [0, 10, 0, 0, 0, 0, 20, 0]);
  });

  it('rejects impossible geometry, naming the op', () => {
    assert.throws(
      () => maxPool2d(Tensor.zeros([1, 1, 3, 3]), { kernelSize: 4 }),
      /maxPool2d: kernel height 4 is larger than the padded input height 3/,
    );
    assert.throws(
      () => maxPool2d(Tensor.zeros([1, 1, 4, 4]), { kernelSize: 2, padding: 2 }),
      /maxPool2d: padding \(2,2\) must be at most half the kernel \(2,2\)/,
    );
  });
});

describe('avgPool2d op', () => {
  for (const countIncludePad of [true, false]) {
    it(`gradient check: 3x2 kernel, stride (2,1), padding 1, countIncludePad ${countIncludePad}`, () => {
      const rng = new Rng(countIncludePad ? 3 : 4);
      const x = leaf(rng, [2, 2, 5, 6]);
      const f = () =>
        avgPool2d(x, { kernelSize: [3, 2], stride: [2, 1], padding: 1, countIncludePad });
      checkOpGradients('avgPool2d', f, { x }, rng);
    });
  }

  it('divides by the whole window, or by the real inputs only', () => {
    const x = Tensor.from([1, 2, 3, 4], [1, 1, 2, 2], 'float64');
    const withPad = avgPool2d(x, { kernelSize: 2, stride: 1, padding: 1 });
    assert.equal(withPad.get(0, 0, 0, 0), 1 / 4);
    const withoutPad = avgPool2d(x, {
      kernelSize: 2,
      stride: 1,
      padding: 1,
      countIncludePad: false,
    });
    assert.equal(withoutPad.get(0, 0, 0, 0), 1);
    assert.equal(withoutPad.get(0, 0, 1, 1), 2.5);
  });

  it('rejects a non-4-D input, naming the op', () => {
    assert.throws(
      () => avgPool2d(Tensor.zeros([4, 4]), { kernelSize: 2 }),
      /avgPool2d: input must have 4 dimensions \(N,C,H,W\), got shape \(4,4\)/,
    );
  });
});

describe('globalAvgPool2d op', () => {
  it('averages each channel map into (N,C,1,1)', () => {
    const x = Tensor.from([1, 2, 3, 6, 10, 20, 30, 40], [1, 2, 2, 2], 'float64');
    const y = globalAvgPool2d(x);
    assert.deepEqual(y.shape, [1, 2, 1, 1]);
    assert.deepEqual(y.toArray(), [3, 25]);
  });

  it('gradient check through flatten: non-square maps, N = 3', () => {
    const rng = new Rng(5);
    const x = leaf(rng, [3, 4, 3, 5]);
    checkOpGradients('globalAvgPool2d', () => flatten(globalAvgPool2d(x)), { x }, rng);
  });

  it('rejects a non-4-D input', () => {
    assert.throws(
      () => globalAvgPool2d(Tensor.zeros([2, 3, 4])),
      /globalAvgPool2d: input must have 4 dimensions \(N,C,H,W\), got shape \(2,3,4\)/,
    );
  });
});
