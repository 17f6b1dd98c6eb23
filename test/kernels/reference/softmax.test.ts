import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { softmaxAxisBackward, softmaxAxisForward } from '../../../src/kernels/reference/softmax.js';
import { Rng } from '../../../src/rng.js';
import { axisGeometry } from '../../../src/shape/axis.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, axisGeometries, seeded } from './check.js';

const softmax123 = [0.0900305731703805, 0.2447284710547977, 0.6652409557748219];

describe('softmax reference kernel', () => {
  it('softmax([1,2,3]) = exp(x) / sum exp(x)', () => {
    const y = new Float64Array(3).fill(NaN);
    softmaxAxisForward(y, Float64Array.from([1, 2, 3]), axisGeometry([3], 0, 'softmax'));
    assertValues(y, softmax123);
  });

  it('normalises each fibre along a middle axis on its own (inner stride 2)', () => {
    // x:(1,3,2) along axis 1: column 0 is [1,2,3], column 1 is constant, so uniform.
    const y = new Float64Array(6);
    softmaxAxisForward(y, Float64Array.from([1, 5, 2, 5, 3, 5]), axisGeometry([1, 3, 2], 1, 's'));
    const third = 1 / 3;
    assertValues(y, [softmax123[0], third, softmax123[1], third, softmax123[2], third]);
  });

  it('shifts by the max: logits of 1000 give the same values, finite', () => {
    const y = new Float64Array(3);
    softmaxAxisForward(y, Float64Array.from([1001, 1002, 1003]), axisGeometry([3], 0, 'softmax'));
    assertValues(y, softmax123);
    const z = new Float64Array(2);
    softmaxAxisForward(z, Float64Array.from([-1e4, 1e4]), axisGeometry([2], 0, 'softmax'));
    assert.deepEqual(Array.from(z), [0, 1]);
  });

  it('dx = y * (dy - sum dy*y): y = [1/2, 1/2], dy = [1, 0] gives [1/4, -1/4]', () => {
    const dx = new Float64Array(2).fill(NaN);
    const g = axisGeometry([2], 0, 'softmax');
    softmaxAxisBackward(dx, Float64Array.from([1, 0]), Float64Array.from([0.5, 0.5]), g);
    assertValues(dx, [0.25, -0.25], 'dx');
  });

  it('gradient check on random (outer, K, inner)', () => {
    fc.assert(
      fc.property(axisGeometries, fc.integer({ min: 0, max: 1e6 }), (g, seed) => {
        const rng = new Rng(seed);
        const n = g.outer * g.size * g.inner;
        const x = randomArray(rng, n, 2);
        const dy = randomArray(rng, n);
        const y = new Float64Array(n);
        softmaxAxisForward(y, x, g);
        const dx = new Float64Array(n);
        softmaxAxisBackward(dx, dy, y, g);
        const forward = () => {
          softmaxAxisForward(y, x, g);
          return y;
        };
        assertVjp('dx', forward, x, dy, dx);
      }),
      seeded,
    );
  });
});
