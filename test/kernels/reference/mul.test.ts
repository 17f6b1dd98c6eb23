import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mulBackward, mulForward } from '../../../src/kernels/reference/mul.js';
import { Rng } from '../../../src/rng.js';
import { broadcastGeometry } from '../../..//src/shape/broadcast.js';
import { sizeOf } from '../../../src/tensor.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, broadcastShapes, seeded } from './check.js';

const ab = Float64Array.from([1, 2, 3, 4, 5, 6]);
const row = Float64Array.from([2, 4, 8]);
const column = Float64Array.from([-1, 2]);

describe('Multiplication reference kernel', () => {
  it('multiplies by a row, and sums dy times the other operand', () => {
    const g = broadcastGeometry([2, 3], [3], 'mul');
    const y = new Float64Array(6);
    mulForward(y, ab, row, g);
    assertValues(y, [2, 8, 24, 8, 20, 48]);
    const da = new Float64Array(6).fill(NaN);
    const db = new Float64Array(3).fill(NaN);
    mulBackward(da, db, Float64Array.from([1, 1, 1, 1, 1, 1]), ab, row, g);
    assertValues(da, [2, 4, 8, 2, 4, 8], 'da');
    assertValues(db, [5, 7, 9], 'db');
  });

  it('broadcasts both operands: (2,1) with (3) gives (2,3)', () => {
    const g = broadcastGeometry([2, 1], [3], 'mul');
    assert.deepEqual(g.shape, [2, 3]);
    const y = new Float64Array(6);
    mulForward(y, column, row, g);
    assertValues(y, [-2, -4, -8, 4, 8, 16]);
  });

  it('skips a null output', () => {
    const g = broadcastGeometry([2, 3], [3], 'mul');
    const db = new Float64Array(3);
    mulBackward(null, db, Float64Array.from([1, 1, 1, 1, 1, 1]), ab, row, g);
    assertValues(db, [5, 7, 9], 'db');
  });

  it('gradient check on random broadcast shapes', () => {
    fc.assert(
      fc.property(broadcastShapes, fc.integer({ min: 0, max: 1e6 }), ({ a, b }, seed) => {
        const rng = new Rng(seed);
        const g = broadcastGeometry(a, b, 'mul');
        const x = { a: randomArray(rng, sizeOf(a)), b: randomArray(rng, sizeOf(b)) };
        const dy = randomArray(rng, g.size);
        const y = new Float64Array(g.size);
        const da = new Float64Array(x.a.length);
        const db = new Float64Array(x.b.length);
        mulBackward(da, db, dy, x.a, x.b, g);
        const forward = () => {
          mulForward(y, x.a, x.b, g);
          return y;
        };
        assertVjp('da', forward, x.a, dy, da);
        assertVjp('db', forward, x.b, dy, db);
      }),
      seeded,
    );
  });
});
