import { describe, it } from 'node:test';
import { siluBackward, siluForward } from '../../../src/kernels/reference/silu.js';
import { Rng } from '../../../src/rng.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

describe('silu reference kernel', () => {
  it('y = x s(x), dx = dy s (1 + x (1 - s)) at hand-known points', () => {
    const s2 = 1 / (1 + Math.exp(-2));
    const y = new Float64Array(3);
    siluForward(y, Float64Array.from([0, 2, -800]));
    assertValues(y, [0, 2 * s2, -0]);
    const dx = new Float64Array(2);
    siluBackward(dx, Float64Array.from([1, 3]), Float64Array.from([0, 2]));
    assertValues(dx, [0.5, 3 * s2 * (1 + 2 * (1 - s2))], 'dx');
  });

  it('gradient check', () => {
    const rng = new Rng(6);
    const x = randomArray(rng, 40, 3);
    const dy = randomArray(rng, 40);
    const y = new Float64Array(40);
    const dx = new Float64Array(40);
    siluBackward(dx, dy, x);
    const forward = () => {
      siluForward(y, x);
      return y;
    };
    assertVjp('dx', forward, x, dy, dx);
  });
});
