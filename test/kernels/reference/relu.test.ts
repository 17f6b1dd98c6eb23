import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGradient } from '../../../src/check/gradient-check.js';
import { reluBackward, reluForward } from '../../../src/kernels/reference/relu.js';
import { Rng } from '../../../src/rng.js';
import { dot } from '../../helpers.js';

describe('ReLU reference kernel', () => {
  it('clamps negatives to zero and passes the gradient only where x > 0', () => {
    const x = Float64Array.from([-2, -0.5, 0, 0.5, 3]);
    const y = new Float64Array(5);
    reluForward(y, x);
    assert.deepEqual(Array.from(y), [0, 0, 0, 0.5, 3]);
    const dx = new Float64Array(5);
    reluBackward(dx, Float64Array.from([1, 2, 3, 4, 5]), x);
    assert.deepEqual(Array.from(dx), [0, 0, 0, 4, 5]);
  });

  it('gradient check away from the kink at 0', () => {
    const rng = new Rng(11);
    const x = Float64Array.from({ length: 50 }, () => {
      const v = rng.uniform(0.01, 2);
      return rng.next() < 0.5 ? -v : v;
    });
    const dy = Float64Array.from({ length: 50 }, () => rng.normal());
    const y = new Float64Array(50);
    const dx = new Float64Array(50);
    reluBackward(dx, dy, x);
    assertGradient(
      'dx',
      () => {
        reluForward(y, x);
        return dot(y, dy);
      },
      x,
      dx,
    );
  });

  it('lets NaN through forward (as PyTorch does) and gives it no gradient', () => {
    const y = new Float64Array(1);
    reluForward(y, Float64Array.from([NaN]));
    assert.ok(Number.isNaN(y[0]));
    const dx = new Float64Array(1);
    reluBackward(dx, Float64Array.from([1]), Float64Array.from([NaN]));
    assert.equal(dx[0], 0);
  });

  it('works in place', () => {
    const x = Float64Array.from([-1, 2]);
    reluForward(x, x);
    assert.deepEqual(Array.from(x), [0, 2]);
  });
});
