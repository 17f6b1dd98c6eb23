/** clipGradNorm against hand-computed norms and scales (PyTorch's clip_grad_norm_ semantics). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { clipGradNorm } from '../../src/optim/clip-grad.js';
import { Tensor } from '../../src/tensor.js';

function withGrad(grad: number[] | null): Tensor {
  const p = Tensor.zeros([grad === null ? 1 : grad.length], 'float64');
  p.grad = grad === null ? null : Tensor.from(grad, [grad.length], 'float64');
  return p;
}

function grads(ps: Tensor[]): (number[] | null)[] {
  return ps.map((p) => (p.grad === null ? null : Array.from(p.grad.data)));
}

describe('clipGradNorm', () => {
  it('2-norm over all grads together: scales by maxNorm / (total + 1e-6)', () => {
    const ps = [withGrad([3, 4]), withGrad([12]), withGrad(null)];
    const total = clipGradNorm(ps, 6.5);
    assert.equal(total, 13);
    const scale = 6.5 / (13 + 1e-6);
    assert.deepEqual(grads(ps), [[3 * scale, 4 * scale], [12 * scale], null]);
  });

  it('leaves grads alone when the norm is within maxNorm (the scale clamps to 1)', () => {
    const ps = [withGrad([3, 4]), withGrad([12])];
    assert.equal(clipGradNorm(ps, 20), 13);
    assert.deepEqual(grads(ps), [[3, 4], [12]]);
  });

  it('1-norm and infinity-norm', () => {
    const a = [withGrad([1, -2]), withGrad([-3])];
    assert.equal(clipGradNorm(a, 3, 1), 6);
    const s1 = 3 / (6 + 1e-6);
    assert.deepEqual(grads(a), [[s1, -2 * s1], [-3 * s1]]);
    const b = [withGrad([1, -5]), withGrad([4])];
    assert.equal(clipGradNorm(b, 1, Infinity), 5);
    const sInf = 1 / (5 + 1e-6);
    assert.deepEqual(grads(b), [[sInf, -5 * sInf], [4 * sInf]]);
  });

  it('3-norm: the p-norm of the per-parameter p-norms', () => {
    const ps = [withGrad([1, 2]), withGrad([2])];
    const total = clipGradNorm(ps, 100, 3);
    assert.ok(Math.abs(total - Math.cbrt(17)) < 1e-15);
  });

  it('returns 0 when no parameter has a grad', () => {
    assert.equal(clipGradNorm([withGrad(null)], 1), 0);
  });

  it('a non-finite norm throws with errorIfNonfinite, leaving grads untouched', () => {
    const ps = [withGrad([1, NaN]), withGrad([2])];
    assert.throws(
      () => clipGradNorm(ps, 1, 2, { errorIfNonfinite: true }),
      /clipGradNorm: the total norm of order 2 of the gradients is NaN, so it cannot be clipped/,
    );
    assert.deepEqual(grads(ps), [[1, NaN], [2]]);
  });

  it('without errorIfNonfinite, scales by the non-finite norm as PyTorch does', () => {
    const nan = [withGrad([1, NaN]), withGrad([2])];
    assert.ok(Number.isNaN(clipGradNorm(nan, 1)));
    assert.ok(
      grads(nan)
        .flat()
        .every((g) => Number.isNaN(g)),
    );
    const inf = [withGrad([1, Infinity]), withGrad([2])];
    assert.equal(clipGradNorm(inf, 1), Infinity);
    assert.deepEqual(grads(inf), [[0, NaN], [0]]);
  });

  it('validates maxNorm and normType', () => {
    assert.throws(
      () => clipGradNorm([withGrad([1])], -1),
      /clipGradNorm: maxNorm must be >= 0, got -1/,
    );
    assert.throws(
      () => clipGradNorm([withGrad([1])], 1, 0),
      /clipGradNorm: normType must be > 0 or Infinity, got 0/,
    );
  });
});
