import { describe, it } from 'node:test';
import {
  matmulBackwardA,
  matmulBackwardB,
  matmulForward,
} from '../../../src/kernels/reference/matmul.js';
import { Rng } from '../../../src/rng.js';
import { matmulGeometry } from '../../..//src/shape/matmul.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

describe('matmul reference kernel', () => {
  it('(2,3) x (3,2), with da = dy b^T and db = a^T dy', () => {
    const a = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const b = Float64Array.from([7, 8, 9, 10, 11, 12]);
    const g = matmulGeometry([2, 3], [3, 2]);
    const y = new Float64Array(4);
    matmulForward(y, a, b, g);
    assertValues(y, [58, 64, 139, 154]);
    const dy = Float64Array.from([1, 0, 0, 2]);
    const da = new Float64Array(6);
    matmulBackwardA(da, dy, b, g);
    assertValues(da, [7, 9, 11, 16, 20, 24], 'da');
    const db = new Float64Array(6);
    matmulBackwardB(db, dy, a, g);
    assertValues(db, [1, 8, 2, 10, 3, 12], 'db');
  });

  it('gradient check on a non-square product', () => {
    const rng = new Rng(12);
    const g = matmulGeometry([3, 4], [4, 5]);
    const a = randomArray(rng, 12);
    const b = randomArray(rng, 20);
    const dy = randomArray(rng, 15);
    const y = new Float64Array(15);
    const da = new Float64Array(12);
    const db = new Float64Array(20);
    matmulBackwardA(da, dy, b, g);
    matmulBackwardB(db, dy, a, g);
    const forward = () => {
      matmulForward(y, a, b, g);
      return y;
    };
    assertVjp('da', forward, a, dy, da);
    assertVjp('db', forward, b, dy, db);
  });
});
