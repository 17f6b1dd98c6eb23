import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sigmoidBackward, sigmoidForward } from '../../../src/kernels/reference/sigmoid.js';
import { Rng } from '../../../src/rng.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

describe('sigmoid reference kernel', () => {
  it('y = 1 / (1 + exp(-x)) and dx = dy * y * (1 - y)', () => {
    const y = new Float64Array(3);
    sigmoidForward(y, Float64Array.from([0, 2, -2]));
    assertValues(y, [0.5, 1 / (1 + Math.exp(-2)), Math.exp(-2) / (1 + Math.exp(-2))]);
    const dx = new Float64Array(3);
    sigmoidBackward(dx, Float64Array.from([1, 2, 3]), y);
    assertValues(dx, [0.25, 2 * y[1] * (1 - y[1]), 3 * y[2] * (1 - y[2])], 'dx');
  });

  it('saturates to exactly 0 and 1 at +-800 without overflow', () => {
    const y = new Float64Array(2);
    sigmoidForward(y, Float64Array.from([800, -800]));
    assert.deepEqual(Array.from(y), [1, 0]);
  });

  it('gradient check', () => {
    const rng = new Rng(3);
    const x = randomArray(rng, 40, 3);
    const dy = randomArray(rng, 40);
    const y = new Float64Array(40);
    sigmoidForward(y, x);
    const dx = new Float64Array(40);
    sigmoidBackward(dx, dy, y);
    const forward = () => {
      sigmoidForward(y, x);
      return y;
    };
    assertVjp('dx', forward, x, dy, dx);
  });
});
