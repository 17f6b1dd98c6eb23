import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { divBackward, divForward } from '../../../src/kernels/reference/div.js';
import { Rng } from '../../../src/rng.js';
import { broadcastGeometry } from '../../..//src/shape/broadcast.js';
import { sizeOf } from '../../../src/tensor.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, broadcastShapes, seeded } from './check.js';

const ab = Float64Array.from([1, 2, 3, 4, 5, 6]);
const row = Float64Array.from([2, 4, 8]);
const column = Float64Array.from([-1, 2]);

describe('Division reference kernel', () => {
  it('divides by a row: da = dy / b, db = -sum dy * a / b^2', () => {
    const g = broadcastGeometry([2, 3], [3], 'div');
    const y = new Float64Array(6);
    divForward(y, ab, row, g);
    assertValues(y, [0.5, 0.5, 0.375, 2, 1.25, 0.75]);
    const da = new Float64Array(6).fill(NaN);
    const db = new Float64Array(3).fill(NaN);
    divBackward(da, db, Float64Array.from([1, 1, 1, 1, 1, 1]), ab, row, g);
    assertValues(da, [0.5, 0.25, 0.125, 0.5, 0.25, 0.125], 'da');
    assertValues(db, [-1.25, -0.4375, -0.140625], 'db');
  });

  it('broadcasts both operands: (2,1) with (3) gives (2,3)', () => {
    const g = broadcastGeometry([2, 1], [3], 'div');
    assert.deepEqual(g.shape, [2, 3]);
    const y = new Float64Array(6);
    divForward(y, column, row, g);
    assertValues(y, [-0.5, -0.25, -0.125, 1, 0.5, 0.25]);
  });

  it('skips a null output', () => {
    const g = broadcastGeometry([2, 3], [3], 'div');
    const db = new Float64Array(3);
    divBackward(null, db, Float64Array.from([1, 1, 1, 1, 1, 1]), ab, row, g);
    assertValues(db, [-1.25, -0.4375, -0.140625], 'db');
  });

  it('gradient check on random broadcast shapes', () => {
    fc.assert(
      fc.property(broadcastShapes, fc.integer({ min: 0, max: 1e6 }), ({ a, b }, seed) => {
        const rng = new Rng(seed);
        const g = broadcastGeometry(a, b, 'div');
        const x = { a: randomArray(rng, sizeOf(a)), b: randomArray(rng, sizeOf(b)) };
        // Divisors at least 0.5 away from 0, where 1/b is steep and central differences lose accuracy.
        for (let i = 0; i < x.b.length; i++)
          x.b[i] = Math.sign(x.b[i] || 1) * (0.5 + Math.abs(x.b[i]));
        const dy = randomArray(rng, g.size);
        const y = new Float64Array(g.size);
        const da = new Float64Array(x.a.length);
        const db = new Float64Array(x.b.length);
        divBackward(da, db, dy, x.a, x.b, g);
        const forward = () => {
          divForward(y, x.a, x.b, g);
          return y;
        };
        assertVjp('da', forward, x.a, dy, da);
        assertVjp('db', forward, x.b, dy, db);
      }),
      seeded,
    );
  });
});
