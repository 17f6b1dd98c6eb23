import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linear, matmul } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

describe('linear op', () => {
  it('computes x w^T + b with PyTorch weight layout (OUT,IN)', () => {
    const x = Tensor.from([1, 2], [1, 2]);
    const w = Tensor.from([1, 0, 0, 1, 1, 1], [3, 2]);
    const b = Tensor.from([0.5, 0, -1], [3]);
    assert.deepEqual(linear(x, w, b).toArray(), [1.5, 2, 2]);
  });

  it('gradient check: (N,IN) with bias', () => {
    const rng = new Rng(1);
    const x = leaf(rng, [4, 6]);
    const w = leaf(rng, [3, 6]);
    const b = leaf(rng, [3]);
    checkOpGradients('linear', () => linear(x, w, b), { x, w, b }, rng);
  });

  it('gradient check: leading axes (2,3,IN), no bias, N = 1 rows', () => {
    const rng = new Rng(2);
    const x = leaf(rng, [2, 3, 5]);
    const w = leaf(rng, [4, 5]);
    assert.deepEqual(linear(x, w).shape, [2, 3, 4]);
    checkOpGradients('linear leading axes', () => linear(x, w), { x, w }, rng);
    const single = leaf(rng, [1, 5]);
    checkOpGradients('linear N = 1', () => linear(single, w), { single, w }, rng);
  });

  it('rejects mismatched features, naming the shapes', () => {
    assert.throws(
      () => linear(Tensor.zeros([2, 5]), Tensor.zeros([3, 6])),
      /linear: input has 5 features, weight \(3,6\) expects 6/,
    );
    assert.throws(
      () => linear(Tensor.zeros([2, 6]), Tensor.zeros([3, 6]), Tensor.zeros([4])),
      /linear: bias has length 4, but the layer has 3 outputs/,
    );
  });
});

describe('matmul op', () => {
  it('multiplies (M,K) by (K,N)', () => {
    const a = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = Tensor.from([1, 0, 0, 1, 1, 1], [3, 2]);
    assert.deepEqual(matmul(a, b).toArray(), [4, 5, 10, 11]);
  });

  it('gradient check: non-square, one side 1 wide', () => {
    const rng = new Rng(3);
    const a = leaf(rng, [3, 5]);
    const b = leaf(rng, [5, 4]);
    checkOpGradients('matmul', () => matmul(a, b), { a, b }, rng);
    const column = leaf(rng, [5, 1]);
    checkOpGradients('matmul column', () => matmul(a, column), { a, column }, rng);
  });

  it('rejects shapes that do not multiply', () => {
    assert.throws(
      () => matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 2])),
      /matmul: cannot multiply \(2,3\) by \(4,2\): inner sizes 3 and 4 differ/,
    );
    assert.throws(
      () => matmul(Tensor.zeros([2, 3, 1]), Tensor.zeros([3, 2])),
      /matmul: needs two matrices, got shapes \(2,3,1\) and \(3,2\)/,
    );
  });
});
