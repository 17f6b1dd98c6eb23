/** firstNonFinite: the first NaN or ±Infinity, found eight values at a time, wherever it lies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { firstNonFinite } from '../../src/train/non-finite.js';

describe('firstNonFinite', () => {
  it('is -1 for finite values, -0, the largest floats and empty arrays', () => {
    assert.equal(firstNonFinite(new Float32Array(0)), -1);
    assert.equal(firstNonFinite(Float32Array.of(-0, 0, 3.4e38, -3.4e38, 1e-45, 7, 8, 9, -0)), -1);
    assert.equal(firstNonFinite(Float64Array.of(Number.MAX_VALUE, -Number.MAX_VALUE, -0)), -1);
  });

  it('finds the first of several, in a block of eight or in the tail after the last block', () => {
    const values = new Float32Array(21).fill(1);
    values[13] = NaN;
    values[19] = Infinity;
    assert.equal(firstNonFinite(values), 13);
    values[13] = 1;
    assert.equal(firstNonFinite(values), 19); // 16..20 is the tail
    values[2] = -Infinity;
    assert.equal(firstNonFinite(values), 2);
  });

  it('agrees with a test of each value, on random arrays and positions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity)), { maxLength: 3 }),
        (length, bad) => {
          const values = Float32Array.from({ length }, (_, i) => (i % 3) - 1.5 * i);
          for (const [at, v] of bad) if (length > 0) values[at % length] = v;
          const expected = values.findIndex((v) => !Number.isFinite(v));
          assert.equal(firstNonFinite(values), expected);
        },
      ),
    );
  });
});
