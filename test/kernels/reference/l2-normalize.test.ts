import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  l2NormalizeBackward,
  l2NormalizeForward,
} from '../../../src/kernels/reference/l2-normalize.js';
import { Rng } from '../../../src/rng.js';
import { axisGeometry } from '../../../src/shape/axis.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, axisGeometries, seeded } from './check.js';

const eps = 1e-12;

describe('l2-normalize reference kernel', () => {
  it('[3,4] -> [0.6,0.8]; dy = [1,0] -> dx = (dy - y (dy.y)) / ||x|| = [0.128, -0.096]', () => {
    const g = axisGeometry([2], 0, 'normalize');
    const x = Float64Array.from([3, 4]);
    const y = new Float64Array(2).fill(NaN);
    l2NormalizeForward(y, x, eps, g);
    assertValues(y, [0.6, 0.8]);
    const dx = new Float64Array(2).fill(NaN);
    l2NormalizeBackward(dx, Float64Array.from([1, 0]), x, eps, g);
    assertValues(dx, [0.128, -0.096], 'dx');
  });

  it('normalises each fibre along axis 0 of a (2,2) matrix: the columns', () => {
    const y = new Float64Array(4);
    l2NormalizeForward(y, Float64Array.from([3, 0, 4, -2]), eps, axisGeometry([2, 2], 0, 'n'));
    assertValues(y, [0.6, 0, 0.8, -1]);
  });

  it('clamps the norm at eps: a zero fibre stays zero, and dx = dy / eps below it', () => {
    const g = axisGeometry([2], 0, 'normalize');
    const y = new Float64Array(2).fill(NaN);
    l2NormalizeForward(y, Float64Array.from([0, 0]), 0.5, g);
    assert.deepEqual(Array.from(y), [0, 0]);
    const tiny = Float64Array.from([0.3, 0.4]); // norm 0.5 < eps 2
    l2NormalizeForward(y, tiny, 2, g);
    assertValues(y, [0.15, 0.2]);
    const dx = new Float64Array(2);
    l2NormalizeBackward(dx, Float64Array.from([1, -3]), tiny, 2, g);
    assertValues(dx, [0.5, -1.5], 'dx');
  });

  it('gradient check below the clamp, where y = x / eps is linear', () => {
    const g = axisGeometry([3], 0, 'normalize');
    const x = Float64Array.from([0.1, -0.2, 0.05]); // norm about 0.23 < eps 1
    const dy = Float64Array.from([0.7, 1.3, -0.4]);
    const y = new Float64Array(3);
    const dx = new Float64Array(3);
    l2NormalizeBackward(dx, dy, x, 1, g);
    const forward = () => {
      l2NormalizeForward(y, x, 1, g);
      return y;
    };
    assertVjp('dx', forward, x, dy, dx);
  });

  it('gradient check on random (outer, K, inner)', () => {
    fc.assert(
      fc.property(axisGeometries, fc.integer({ min: 0, max: 1e6 }), (g, seed) => {
        const rng = new Rng(seed);
        const n = g.outer * g.size * g.inner;
        const x = randomArray(rng, n);
        // Keep every fibre's norm well above eps and away from zero.
        for (let i = 0; i < n; i++) x[i] += x[i] >= 0 ? 0.5 : -0.5;
        const dy = randomArray(rng, n);
        const y = new Float64Array(n);
        const dx = new Float64Array(n);
        l2NormalizeBackward(dx, dy, x, eps, g);
        const forward = () => {
          l2NormalizeForward(y, x, eps, g);
          return y;
        };
        assertVjp('dx', forward, x, dy, dx);
      }),
      seeded,
    );
  });
});
