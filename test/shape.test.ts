import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conv2dGeometry, convOutputSize } from '../src/shape/conv2d.js';
import { linearGeometry } from '../src/shape/linear.js';
import { pool2dGeometry } from '../src/shape/pool2d.js';
import { ShapeError } from '../src/shape/shape-error.js';
import { crossEntropyGeometry } from '../src/shape/cross-entropy.js';

describe('convOutputSize', () => {
  it("is the seed's floor((H - HH + 2*pad) / stride) + 1 when dilation is 1", () => {
    for (const [H, K, s, p] of [
      [28, 3, 1, 1],
      [28, 5, 1, 0],
      [32, 5, 2, 2],
      [7, 3, 2, 0],
      [8, 3, 2, 1],
      [5, 5, 1, 0],
    ]) {
      assert.equal(convOutputSize(H, K, s, p), Math.floor((H - K + 2 * p) / s) + 1);
    }
  });

  it('accounts for dilation: the kernel spans dilation*(K-1)+1 pixels', () => {
    assert.equal(convOutputSize(7, 3, 1, 0, 2), 3); // extent 5
    assert.equal(convOutputSize(10, 3, 2, 1, 3), 3); // floor((12 - 7) / 2) + 1
  });

  it('rejects a kernel larger than the padded input, naming the numbers', () => {
    assert.throws(
      () => convOutputSize(3, 5, 1, 0),
      /kernel height 5 is larger than the padded input height 3 \(3 \+ 2\*0\)/,
    );
    assert.throws(
      () => convOutputSize(4, 3, 1, 0, 2, 'width'),
      /kernel width 3 \(dilated extent 5\) is larger than the padded input width 4/,
    );
  });

  it('rejects stride < 1, negative padding, dilation < 1 and fractional values', () => {
    assert.throws(() => convOutputSize(8, 3, 0, 0), /stride must be an integer >= 1, got 0/);
    assert.throws(() => convOutputSize(8, 3, 1, -1), /padding must be an integer >= 0, got -1/);
    assert.throws(() => convOutputSize(8, 3, 1, 0, 0), /dilation must be an integer >= 1, got 0/);
    assert.throws(() => convOutputSize(8, 3, 1.5, 0), /stride must be an integer >= 1, got 1.5/);
    assert.throws(() => convOutputSize(8, 0, 1, 0), /kernel height must be an integer >= 1, got 0/);
  });
});

describe('conv2dGeometry', () => {
  it('computes per-axis output sizes', () => {
    const g = conv2dGeometry([2, 3, 9, 12], [4, 3, 3, 5], { stride: [2, 1], padding: [1, 2] }, 4);
    assert.deepEqual([g.N, g.F, g.OH, g.OW], [2, 4, 5, 12]);
  });

  it('names the channel mismatch', () => {
    assert.throws(
      () => conv2dGeometry([1, 3, 28, 28], [32, 1, 3, 3]),
      (e: unknown) =>
        e instanceof ShapeError &&
        e.message === 'conv2d: input has 3 channels, conv weight expects 1',
    );
    assert.throws(
      () => conv2dGeometry([1, 6, 8, 8], [4, 2, 3, 3], { groups: 2 }),
      /input has 6 channels, conv weight expects 4 \(2 per group x 2 groups\)/,
    );
  });

  it('rejects a bias whose length is not the number of filters', () => {
    assert.throws(
      () => conv2dGeometry([1, 1, 8, 8], [32, 1, 3, 3], {}, 16),
      /bias has length 16, but there are 32 filters/,
    );
  });

  it('rejects filters that do not split into groups, and bad group counts', () => {
    assert.throws(
      () => conv2dGeometry([1, 4, 8, 8], [3, 2, 3, 3], { groups: 2 }),
      /^ShapeError: conv2d: 3 output channels cannot be split into 2 groups$/,
    );
    assert.throws(
      () => conv2dGeometry([1, 4, 8, 8], [4, 4, 3, 3], { groups: 0 }),
      /groups must be an integer >= 1, got 0/,
    );
  });

  it('rejects wrong ranks and empty dimensions, quoting the shape', () => {
    assert.throws(
      () => conv2dGeometry([3, 28, 28], [1, 3, 3, 3]),
      /input must have 4 dimensions \(N,C,H,W\), got shape \(3,28,28\)/,
    );
    assert.throws(
      () => conv2dGeometry([1, 1, 0, 8], [1, 1, 3, 3]),
      /input shape \(1,1,0,8\) must have positive integer sizes/,
    );
  });

  it('rejects a kernel larger than the padded input', () => {
    assert.throws(
      () => conv2dGeometry([1, 1, 4, 4], [1, 1, 7, 7], { padding: 1 }),
      /kernel height 7 is larger than the padded input height 6 \(4 \+ 2\*1\)/,
    );
  });
});

describe('pool2dGeometry', () => {
  it('defaults the stride to the kernel size', () => {
    const g = pool2dGeometry([2, 3, 28, 28], { kernelSize: 2 });
    assert.deepEqual([g.strideH, g.strideW, g.OH, g.OW], [2, 2, 14, 14]);
  });

  it('rejects padding over half the kernel', () => {
    assert.throws(
      () => pool2dGeometry([1, 1, 8, 8], { kernelSize: 2, padding: 2 }),
      /padding \(2,2\) must be at most half the kernel \(2,2\)/,
    );
  });

  it('rejects a window larger than the input', () => {
    assert.throws(
      () => pool2dGeometry([1, 1, 3, 3], { kernelSize: 4 }, 'maxPool2d'),
      /maxPool2d: kernel height 4 is larger than the padded input height 3/,
    );
  });
});

describe('linearGeometry and crossEntropyGeometry', () => {
  it('names a feature mismatch', () => {
    assert.throws(
      () => linearGeometry([8, 3136], [128, 3000]),
      /input has 3136 features, weight \(128,3000\) expects 3000/,
    );
    assert.throws(
      () => linearGeometry([8, 10], [4, 10], 5),
      /bias has length 5, but the layer has 4 outputs/,
    );
  });

  it('names a label count mismatch', () => {
    assert.throws(
      () => crossEntropyGeometry([4, 10], 3),
      /3 labels for logits \(4,10\); expected 4, one per entry of \(4\)/,
    );
  });
});
