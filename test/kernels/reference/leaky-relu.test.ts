import { describe, it } from 'node:test';
import { leakyReluBackward, leakyReluForward } from '../../../src/kernels/reference/leaky-relu.js';
import { Rng } from '../../../src/rng.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

describe('leaky ReLU reference kernel', () => {
  it('scales x <= 0 by the slope, and takes the slope as the gradient at 0 (as PyTorch)', () => {
    const x = Float64Array.from([-2, -0.5, 0, 0.5, 3]);
    const y = new Float64Array(5);
    leakyReluForward(y, x, 0.25);
    assertValues(y, [-0.5, -0.125, 0, 0.5, 3]);
    const dx = new Float64Array(5);
    leakyReluBackward(dx, Float64Array.from([1, 2, 3, 4, 5]), x, 0.25);
    assertValues(dx, [0.25, 0.5, 0.75, 4, 5], 'dx');
  });

  it('gradient check away from the kink at 0', () => {
    const rng = new Rng(5);
    const x = randomArray(rng, 40).map((v) => (Math.abs(v) < 0.01 ? 0.5 : v));
    const dy = randomArray(rng, 40);
    const y = new Float64Array(40);
    const dx = new Float64Array(40);
    leakyReluBackward(dx, dy, x, 0.1);
    const forward = () => {
      leakyReluForward(y, x, 0.1);
      return y;
    };
    assertVjp('dx', forward, x, dy, dx);
  });
});
