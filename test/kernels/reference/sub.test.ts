import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { subBackward, subForward } from '../../../src/kernels/reference/sub.js';
import { Rng } from '../../../src/rng.js';
import { broadcastGeometry } from '../../..//src/shape/broadcast.js';
import { sizeOf } from '../../../src/tensor.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, broadcastShapes, seeded } from './check.js';

const ab = Float64Array.from([1, 2, 3, 4, 5, 6]);
const row = Float64Array.from([2, 4, 8]);
const column = Float64Array.from([-1, 2]);

describe('Subtraction reference kernel', () => {
  it('subtracts a row from every row, and negates the summed dy for b', () => {
    const g = broadcastGeometry([2, 3], [3], 'sub');
    const y = new Float64Array(6);
    subForward(y, ab, row, g);
    assertValues(y, [-1, -2, -5, 2, 1, -2]);
    const da = new Float64Array(6).fill(NaN);
    const db = new Float64Array(3).fill(NaN);
    subBackward(da, db, Float64Array.from([1, 1, 1, 1, 1, 1]), g);
    assertValues(da, [1, 1, 1, 1, 1, 1], 'da');
    assertValues(db, [-2, -2, -2], 'db');
  });

  it('broadcasts both operands: (2,1) with (3) gives (2,3)', () => {
    const g = broadcastGeometry([2, 1], [3], 'sub');
    assert.deepEqual(g.shape, [2, 3]);
    const y = new Float64Array(6);
    subForward(y, column, row, g);
    assertValues(y, [-3, -5, -9, 0, -2, -6]);
  });

  it('skips a null output', () => {
    const g = broadcastGeometry([2, 3], [3], 'sub');
    const db = new Float64Array(3);
    subBackward(null, db, Float64Array.from([1, 1, 1, 1, 1, 1]), g);
    assertValues(db, [-2, -2, -2], 'db');
  });

  it('gradient check on random broadcast shapes', () => {
    fc.assert(
      fc.property(broadcastShapes, fc.integer({ min: 0, max: 1e6 }), ({ a, b }, seed) => {
        const rng = new Rng(seed);
        const g = broadcastGeometry(a, b, 'sub');
        const x = { a: randomArray(rng, sizeOf(a)), b: randomArray(rng, sizeOf(b)) };
        const dy = randomArray(rng, g.size);
        const y = new Float64Array(g.size);
        const da = new Float64Array(x.a.length);
        const db = new Float64Array(x.b.length);
        subBackward(da, db, dy, g);
        const forward = () => {
          subForward(y, x.a, x.b, g);
          return y;
        };
        assertVjp('da', forward, x.a, dy, da);
        assertVjp('db', forward, x.b, dy, db);
      }),
      seeded,
    );
  });
});
