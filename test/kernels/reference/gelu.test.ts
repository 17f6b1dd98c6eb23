import { describe, it } from 'node:test';
import { geluBackward, geluForward } from '../../../src/kernels/reference/gelu.js';
import { Rng } from '../../../src/rng.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

describe('gelu reference kernel', () => {
  it('y = x Phi(x) at hand-known points, and dx = dy (Phi(x) + x phi(x))', () => {
    const y = new Float64Array(4);
    // Phi(0) = 1/2; Phi(1) = 0.8413447460685429 (erf(1/sqrt 2) = 0.6826894921370859).
    geluForward(y, Float64Array.from([0, 1, -1, 40]));
    assertValues(y, [0, 0.8413447460685429, -0.15865525393145707, 40]);
    const dx = new Float64Array(2);
    geluBackward(dx, Float64Array.from([1, 2]), Float64Array.from([0, 1]));
    const phi1 = Math.exp(-0.5) / Math.sqrt(2 * Math.PI);
    assertValues(dx, [0.5, 2 * (0.8413447460685429 + phi1)], 'dx');
  });

  it('gradient check', () => {
    const rng = new Rng(5);
    const x = randomArray(rng, 40, 3);
    const dy = randomArray(rng, 40);
    const y = new Float64Array(40);
    const dx = new Float64Array(40);
    geluBackward(dx, dy, x);
    const forward = () => {
      geluForward(y, x);
      return y;
    };
    assertVjp('dx', forward, x, dy, dx);
  });
});
