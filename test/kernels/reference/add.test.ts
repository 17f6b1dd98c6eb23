import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addBackward, addForward } from '../../../src/kernels/reference/add.js';
import { Rng } from '../../../src/rng.js';
import { broadcastGeometry } from '../../..//src/shape/broadcast.js';
import { sizeOf } from '../../../src/tensor.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, broadcastShapes, seeded } from './check.js';

const ab = Float64Array.from([1, 2, 3, 4, 5, 6]);
const row = Float64Array.from([2, 4, 8]);
const column = Float64Array.from([-1, 2]);

describe('Add reference kernel', () => {
  it('adds a row to every row of a matrix, and sums dy over the repeated axis', () => {
    const g = broadcastGeometry([2, 3], [3], 'add');
    const y = new Float64Array(6);
    addForward(y, ab, row, g);
    assertValues(y, [3, 6, 11, 6, 9, 14]);
    const da = new Float64Array(6).fill(NaN);
    const db = new Float64Array(3).fill(NaN);
    addBackward(da, db, Float64Array.from([1, 1, 1, 1, 1, 1]), g);
    assertValues(da, [1, 1, 1, 1, 1, 1], 'da');
    assertValues(db, [2, 2, 2], 'db');
  });

  it('broadcasts both operands: (2,1) with (3) gives (2,3)', () => {
    const g = broadcastGeometry([2, 1], [3], 'add');
    assert.deepEqual(g.shape, [2, 3]);
    const y = new Float64Array(6);
    addForward(y, column, row, g);
    assertValues(y, [1, 3, 7, 4, 6, 10]);
  });

  it('skips a null output', () => {
    const g = broadcastGeometry([2, 3], [3], 'add');
    const db = new Float64Array(3);
    addBackward(null, db, Float64Array.from([1, 1, 1, 1, 1, 1]), g);
    assertValues(db, [2, 2, 2], 'db');
  });

  it('gradient check on random broadcast shapes', () => {
    fc.assert(
      fc.property(broadcastShapes, fc.integer({ min: 0, max: 1e6 }), ({ a, b }, seed) => {
        const rng = new Rng(seed);
        const g = broadcastGeometry(a, b, 'add');
        const x = { a: randomArray(rng, sizeOf(a)), b: randomArray(rng, sizeOf(b)) };
        const dy = randomArray(rng, g.size);
        const y = new Float64Array(g.size);
        const da = new Float64Array(x.a.length);
        const db = new Float64Array(x.b.length);
        addBackward(da, db, dy, g);
        const forward = () => {
          addForward(y, x.a, x.b, g);
          return y;
        };
        assertVjp('da', forward, x.a, dy, da);
        assertVjp('db', forward, x.b, dy, db);
      }),
      seeded,
    );
  });
});
