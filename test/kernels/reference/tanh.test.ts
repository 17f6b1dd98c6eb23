import { describe, it } from 'node:test';
import { tanhBackward, tanhForward } from '../../../src/kernels/reference/tanh.js';
import { Rng } from '../../../src/rng.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

describe('tanh reference kernel', () => {
  it('y = tanh(x) and dx = dy * (1 - y^2)', () => {
    const t1 = (Math.E - 1 / Math.E) / (Math.E + 1 / Math.E);
    const y = new Float64Array(3);
    tanhForward(y, Float64Array.from([0, 1, -1]));
    assertValues(y, [0, t1, -t1]);
    const dx = new Float64Array(3);
    tanhBackward(dx, Float64Array.from([2, 1, 3]), y);
    assertValues(dx, [2, 1 - t1 * t1, 3 * (1 - t1 * t1)], 'dx');
  });

  it('gradient check', () => {
    const rng = new Rng(4);
    const x = randomArray(rng, 40, 2);
    const dy = randomArray(rng, 40);
    const y = new Float64Array(40);
    tanhForward(y, x);
    const dx = new Float64Array(40);
    tanhBackward(dx, dy, y);
    const forward = () => {
      tanhForward(y, x);
      return y;
    };
    assertVjp('dx', forward, x, dy, dx);
  });
});
