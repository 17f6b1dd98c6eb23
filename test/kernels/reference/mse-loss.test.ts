import { describe, it } from 'node:test';
import { mseLossBackward, mseLossForward } from '../../../src/kernels/reference/mse-loss.js';
import { Rng } from '../../../src/rng.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

describe('MSE loss reference kernel', () => {
  it('losses = (x - t)^2, dx = 2 dlosses (x - t), dt = -dx', () => {
    const x = Float64Array.from([1, 2, 3]);
    const t = Float64Array.from([0, 2, 5]);
    const losses = new Float64Array(3);
    mseLossForward(losses, x, t);
    assertValues(losses, [1, 0, 4]);
    const dx = new Float64Array(3);
    const dt = new Float64Array(3);
    mseLossBackward(dx, dt, Float64Array.from([1, 2, 3]), x, t);
    assertValues(dx, [2, 0, -12], 'dx');
    assertValues(dt, [-2, 0, 12], 'dt');
    const onlyTarget = new Float64Array(3);
    mseLossBackward(null, onlyTarget, Float64Array.from([1, 2, 3]), x, t);
    assertValues(onlyTarget, [-2, 0, 12], 'dt without dx');
  });

  it('gradient check for x and target', () => {
    const rng = new Rng(6);
    const x = randomArray(rng, 30);
    const t = randomArray(rng, 30);
    const dl = randomArray(rng, 30);
    const losses = new Float64Array(30);
    const dx = new Float64Array(30);
    const dt = new Float64Array(30);
    mseLossBackward(dx, dt, dl, x, t);
    const forward = () => {
      mseLossForward(losses, x, t);
      return losses;
    };
    assertVjp('dx', forward, x, dl, dx);
    assertVjp('dt', forward, t, dl, dt);
  });
});
