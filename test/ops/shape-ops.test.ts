import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concat, flatten, permute, reshape } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

describe('reshape and flatten ops', () => {
  it('are views over the same data, with -1 inferred', () => {
    const x = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = reshape(x, [3, -1]);
    assert.deepEqual(y.shape, [3, 2]);
    assert.equal(y.data, x.data);
    assert.deepEqual(flatten(Tensor.zeros([2, 3, 4, 5])).shape, [2, 60]);
    assert.deepEqual(flatten(Tensor.zeros([2, 3, 4, 5]), 0).shape, [120]);
    assert.deepEqual(flatten(Tensor.zeros([2, 3, 4, 5]), 1, 2).shape, [2, 12, 5]);
  });

  it('gradient check: reshape and flatten', () => {
    const rng = new Rng(1);
    const x = leaf(rng, [2, 3, 4]);
    checkOpGradients('reshape', () => reshape(x, [4, -1, 2]), { x }, rng);
    checkOpGradients('flatten', () => flatten(x), { x }, rng);
  });

  it('rejects impossible shapes', () => {
    const x = Tensor.zeros([2, 3]);
    assert.throws(
      () => reshape(x, [4, 2]),
      /reshape: cannot reshape \(2,3\) \(6 elements\) to \(4,2\)/,
    );
    assert.throws(
      () => flatten(x, 1, 0),
      /flatten: startDim 1 comes after endDim 0 for shape \(2,3\)/,
    );
    assert.throws(() => flatten(x, 2), /flatten: axis 2 is out of range for a tensor of rank 2/);
  });
});

describe('permute op', () => {
  it('moves axes: (N,C,H,W) -> (N,H,W,C)', () => {
    const x = Tensor.from([0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 2, 2]);
    const y = permute(x, [0, 2, 3, 1]);
    assert.deepEqual(y.shape, [1, 2, 2, 2]);
    assert.deepEqual(y.toArray(), [0, 4, 1, 5, 2, 6, 3, 7]);
    assert.deepEqual(
      permute(Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]), [1, 0]).toArray(),
      [1, 4, 2, 5, 3, 6],
    );
  });

  it('gradient check: a 4-D permutation with negative axes', () => {
    const rng = new Rng(2);
    const x = leaf(rng, [2, 3, 4, 2]);
    checkOpGradients('permute', () => permute(x, [2, -1, 0, 1]), { x }, rng);
  });

  it('rejects axes that are not a permutation', () => {
    const x = Tensor.zeros([2, 3, 4]);
    assert.throws(
      () => permute(x, [0, 1]),
      /permute: 2 axes \[0,1\] for a tensor of shape \(2,3,4\); give all 3/,
    );
    assert.throws(
      () => permute(x, [0, 1, 1]),
      /permute: axes \[0,1,1\] are not a permutation of 0..2/,
    );
  });
});

describe('concat op', () => {
  it('joins feature maps along the channels by default', () => {
    const a = Tensor.from([1, 2, 3, 4], [1, 1, 2, 2]);
    const b = Tensor.from([5, 6, 7, 8, 9, 10, 11, 12], [1, 2, 2, 2]);
    const y = concat([a, b]);
    assert.deepEqual(y.shape, [1, 3, 2, 2]);
    assert.deepEqual(y.toArray(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(
      concat([Tensor.from([1, 2], [2, 1]), Tensor.from([3, 4], [2, 1])], -1).toArray(),
      [1, 3, 2, 4],
    );
  });

  it('gradient check: three inputs along the channels, one a constant', () => {
    const rng = new Rng(3);
    const a = leaf(rng, [2, 1, 3, 2]);
    const constant = Tensor.randn([2, 2, 3, 2], rng, 1, 'float64');
    const c = leaf(rng, [2, 3, 3, 2]);
    checkOpGradients('concat axis 1', () => concat([a, constant, c]), { a, c }, rng);
    assert.equal(constant.grad, null);
  });

  it('gradient check: along axis 0 and the last axis', () => {
    const rng = new Rng(4);
    const a = leaf(rng, [2, 3]);
    const b = leaf(rng, [1, 3]);
    checkOpGradients('concat axis 0', () => concat([a, b], 0), { a, b }, rng);
    const c = leaf(rng, [2, 2]);
    checkOpGradients('concat axis -1', () => concat([a, c], -1), { a, c }, rng);
  });

  it('rejects inputs that do not line up', () => {
    assert.throws(
      () => concat([Tensor.zeros([1, 2, 4, 4]), Tensor.zeros([1, 3, 4, 5])]),
      /concat: input 1 has shape \(1,3,4,5\), expected \(1,\*,4,4\) to match input 0 on every axis but 1/,
    );
    assert.throws(() => concat([]), /concat: needs at least one tensor/);
  });
});
