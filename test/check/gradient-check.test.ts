import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertGradient,
  checkGradient,
  formatGradientCheck,
  numericalGradient,
} from '../../src/check/gradient-check.js';

describe('gradient checker', () => {
  it('matches the exact gradient of a smooth function', () => {
    const x = Float64Array.from([0.3, -1.2, 2.5]);
    const f = () => x[0] * x[0] * x[1] + Math.sin(x[2]);
    const exact = [2 * x[0] * x[1], x[0] * x[0], Math.cos(x[2])];
    const result = assertGradient('f', f, x, exact);
    assert.ok(result.maxRelDiff < 1e-8, formatGradientCheck(result));
  });

  it('restores x exactly after perturbing it', () => {
    const x = Float64Array.from([0.1, 0.2, 0.3]);
    const copy = Float64Array.from(x);
    numericalGradient(() => x[0] + x[1] * x[2], x);
    assert.deepEqual(x, copy);
  });

  it('catches a wrong gradient and names the first bad index', () => {
    const x = Float64Array.from([1, 2, 3, 4]);
    const f = () => x[0] + 2 * x[1] + 3 * x[2] + 4 * x[3];
    const wrong = [1, 2, 3.5, 4];
    const result = checkGradient('g', f, x, wrong);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadIndex, 2);
    assert.match(formatGradientCheck(result), /first bad index 2: got 3.5, expected 2\.9999/);
    assert.throws(() => assertGradient('g', f, x, wrong), /gradient g MISMATCH/);
  });

  it('treats NaN in the analytic gradient as a failure', () => {
    const x = Float64Array.from([1, 2]);
    const result = checkGradient('h', () => x[0] + x[1], x, [1, NaN]);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadIndex, 1);
  });
});
