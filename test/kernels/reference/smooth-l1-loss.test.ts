import { describe, it } from 'node:test';
import {
  smoothL1LossBackward,
  smoothL1LossForward,
} from '../../../src/kernels/reference/smooth-l1-loss.js';
import { Rng } from '../../../src/rng.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

const x = Float64Array.from([0, 0.5, 2, -3]);
const zero = new Float64Array(4);
const ones = Float64Array.from([1, 1, 1, 1]);

describe('smooth L1 loss reference kernel', () => {
  it('beta = 1: quadratic inside |d| < beta, linear outside', () => {
    const losses = new Float64Array(4);
    smoothL1LossForward(losses, x, zero, 1);
    assertValues(losses, [0, 0.125, 1.5, 2.5]);
    const dx = new Float64Array(4);
    const dt = new Float64Array(4);
    smoothL1LossBackward(dx, dt, ones, x, zero, 1);
    assertValues(dx, [0, 0.5, 1, -1], 'dx');
    assertValues(dt, [-0, -0.5, -1, 1], 'dt');
  });

  it('beta = 0 is the L1 loss, with gradient 0 at d = 0', () => {
    const losses = new Float64Array(4);
    smoothL1LossForward(losses, x, zero, 0);
    assertValues(losses, [0, 0.5, 2, 3]);
    const dx = new Float64Array(4);
    smoothL1LossBackward(dx, null, ones, x, zero, 0);
    assertValues(dx, [0, 1, 1, -1], 'dx');
  });

  it('gradient check for x and target, away from |d| = beta', () => {
    const rng = new Rng(7);
    const xs = randomArray(rng, 30, 2);
    const t = randomArray(rng, 30);
    for (let i = 0; i < 30; i++) {
      if (Math.abs(Math.abs(xs[i] - t[i]) - 0.5) < 0.01) xs[i] += 0.1;
    }
    const dl = randomArray(rng, 30);
    const losses = new Float64Array(30);
    const dx = new Float64Array(30);
    const dt = new Float64Array(30);
    smoothL1LossBackward(dx, dt, dl, xs, t, 0.5);
    const forward = () => {
      smoothL1LossForward(losses, xs, t, 0.5);
      return losses;
    };
    assertVjp('dx', forward, xs, dl, dx);
    assertVjp('dt', forward, t, dl, dt);
  });
});
