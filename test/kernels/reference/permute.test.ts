import { describe, it } from 'node:test';
import { permuteBackward, permuteForward } from '../../../src/kernels/reference/permute.js';
import { Rng } from '../../../src/rng.js';
import { permuteGeometry } from '../../..//src/shape/permute.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

describe('permute reference kernel', () => {
  it('transposes a (2,3) matrix and back', () => {
    const g = permuteGeometry([2, 3], [1, 0]);
    const y = new Float64Array(6);
    permuteForward(y, Float64Array.from([1, 2, 3, 4, 5, 6]), g);
    assertValues(y, [1, 4, 2, 5, 3, 6]);
    const dx = new Float64Array(6);
    permuteBackward(dx, Float64Array.from([1, 4, 2, 5, 3, 6]), g);
    assertValues(dx, [1, 2, 3, 4, 5, 6], 'dx');
  });

  it('y[i,j,k] = x[j,k,i] for axes [2,0,1], element by element', () => {
    const rng = new Rng(10);
    const x = randomArray(rng, 24); // (2,3,4)
    const g = permuteGeometry([2, 3, 4], [2, 0, 1]);
    const y = new Float64Array(24);
    permuteForward(y, x, g);
    const expected: number[] = [];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 2; j++) {
        for (let k = 0; k < 3; k++) expected.push(x[(j * 3 + k) * 4 + i]);
      }
    }
    assertValues(y, expected);
    const dy = randomArray(rng, 24);
    const dx = new Float64Array(24);
    permuteBackward(dx, dy, g);
    const forward = () => {
      permuteForward(y, x, g);
      return y;
    };
    assertVjp('dx', forward, x, dy, dx);
  });
});
