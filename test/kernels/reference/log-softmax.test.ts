import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  logSoftmaxBackward,
  logSoftmaxForward,
} from '../../../src/kernels/reference/log-softmax.js';
import { Rng } from '../../../src/rng.js';
import { axisGeometry } from '../../../src/shape/axis.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, axisGeometries, seeded } from './check.js';

// logsumexp([1,2,3]) = 3.40760596444438, so y = x - 3.40760596444438.
const logSoftmax123 = [-2.40760596444438, -1.4076059644443801, -0.40760596444438013];

describe('log-softmax reference kernel', () => {
  it('y = x - logsumexp(x) on [1,2,3]', () => {
    const y = new Float64Array(3).fill(NaN);
    logSoftmaxForward(y, Float64Array.from([1, 2, 3]), axisGeometry([3], 0, 'logSoftmax'));
    assertValues(y, logSoftmax123);
  });

  it('works along axis 0 of a (3,2) matrix: each column on its own', () => {
    const y = new Float64Array(6);
    logSoftmaxForward(y, Float64Array.from([1, 7, 2, 7, 3, 7]), axisGeometry([3, 2], 0, 'ls'));
    const l3 = -Math.log(3);
    assertValues(y, [logSoftmax123[0], l3, logSoftmax123[1], l3, logSoftmax123[2], l3]);
  });

  it('is stable for logits of 1e4: no exp overflows', () => {
    const y = new Float64Array(3);
    logSoftmaxForward(y, Float64Array.from([1e4, 1e4, -1e4]), axisGeometry([3], 0, 'ls'));
    assert.ok(y.every(Number.isFinite));
    assertValues(y, [-Math.LN2, -Math.LN2, -2e4 - Math.LN2]);
  });

  it('dx = dy - exp(y) * sum dy: y = log [1/2, 1/2], dy = [1, 0] gives [1/2, -1/2]', () => {
    const dx = new Float64Array(2).fill(NaN);
    const y = Float64Array.from([-Math.LN2, -Math.LN2]);
    logSoftmaxBackward(dx, Float64Array.from([1, 0]), y, axisGeometry([2], 0, 'ls'));
    assertValues(dx, [0.5, -0.5], 'dx');
  });

  it('gradient check on random (outer, K, inner)', () => {
    fc.assert(
      fc.property(axisGeometries, fc.integer({ min: 0, max: 1e6 }), (g, seed) => {
        const rng = new Rng(seed);
        const n = g.outer * g.size * g.inner;
        const x = randomArray(rng, n, 2);
        const dy = randomArray(rng, n);
        const y = new Float64Array(n);
        logSoftmaxForward(y, x, g);
        const dx = new Float64Array(n);
        logSoftmaxBackward(dx, dy, y, g);
        const forward = () => {
          logSoftmaxForward(y, x, g);
          return y;
        };
        assertVjp('dx', forward, x, dy, dx);
      }),
      seeded,
    );
  });
});
