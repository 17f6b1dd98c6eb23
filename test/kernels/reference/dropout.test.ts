import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dropoutBackward, dropoutForward } from '../../../src/kernels/reference/dropout.js';
import { dropoutHash, dropoutThreshold } from '../../../src/kernels/reference/dropout-mask.js';

describe('dropout reference kernel', () => {
  it('keeps element i exactly when hash(seed, i) >= floor(p 2^32), scaled by 1/(1 - p)', () => {
    const n = 64;
    const x = Float64Array.from({ length: n }, (_, i) => i + 1);
    const y = new Float64Array(n);
    dropoutForward(y, x, 7, 0.25);
    for (let i = 0; i < n; i++) {
      const keep = dropoutHash(7, i) >= dropoutThreshold(0.25);
      assert.equal(y[i], keep ? (i + 1) * (1 / 0.75) : 0, `element ${i}`);
    }
  });

  it('the backward applies the same mask to dy (no mask stored)', () => {
    const n = 50;
    const ones = new Float64Array(n).fill(1);
    const y = new Float64Array(n);
    const dx = new Float64Array(n);
    dropoutForward(y, ones, 123, 0.5);
    dropoutBackward(dx, ones, 123, 0.5);
    assert.deepEqual(Array.from(dx), Array.from(y));
  });

  it('p = 0 is the identity and p = 1 drops everything, NaN included', () => {
    const x = Float64Array.from([1, -2, NaN]);
    const y = new Float64Array(3);
    dropoutForward(y, x, 1, 0);
    assert.deepEqual(Array.from(y), [1, -2, NaN]);
    dropoutForward(y, x, 1, 1);
    assert.deepEqual(Array.from(y), [0, 0, 0]);
  });
});
