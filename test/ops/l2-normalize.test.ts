import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClose } from '../../src/check/compare.js';
import { l2Normalize, matmul, permute } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

describe('l2Normalize op', () => {
  it('scales each row to unit length (axis 1 by default), so matmul gives cosine similarity', () => {
    const x = Tensor.from([3, 4, 0, 2, 1, 1], [3, 2], 'float64');
    const y = l2Normalize(x);
    assertClose(y.data, [0.6, 0.8, 0, 1, Math.SQRT1_2, Math.SQRT1_2], { rtol: 1e-15 }, 'y');
    const cosine = matmul(y, permute(y, [1, 0]));
    assertClose([cosine.get(0, 1), cosine.get(1, 1)], [0.8, 1], { rtol: 1e-15 }, 'cosine');
  });

  it('leaves a zero vector at zero (the norm is clamped to eps)', () => {
    const y = l2Normalize(Tensor.zeros([2, 3], 'float64'));
    assert.deepEqual(y.toArray(), [0, 0, 0, 0, 0, 0]);
  });

  it('gradient check: embeddings (N,D) and feature maps (N,C,H,W) along the channels', () => {
    const rng = new Rng(1);
    const e = leaf(rng, [3, 5]);
    checkOpGradients('l2Normalize (N,D)', () => l2Normalize(e), { e }, rng);
    const x = leaf(rng, [2, 3, 2, 2]);
    checkOpGradients('l2Normalize axis 1', () => l2Normalize(x, { axis: 1 }), { x }, rng);
    checkOpGradients('l2Normalize axis -1', () => l2Normalize(x, { axis: -1 }), { x }, rng);
  });

  it('rejects a bad axis or eps', () => {
    assert.throws(
      () => l2Normalize(Tensor.zeros([4])),
      /l2Normalize: axis 1 is out of range for a tensor of rank 1/,
    );
    assert.throws(
      () => l2Normalize(Tensor.zeros([2, 2]), { eps: 0 }),
      /l2Normalize: eps must be positive, got 0/,
    );
  });
});
