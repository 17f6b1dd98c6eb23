import { describe, it } from 'node:test';
import { sumBackward, sumForward } from '../../../src/kernels/reference/sum.js';
import { Rng } from '../../../src/rng.js';
import { reduceGeometry } from '../../..//src/shape/reduce.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

const x = Float64Array.from([1, 2, 3, 4, 5, 6]); // (2,3)

describe('sum reference kernel', () => {
  it('sums rows, columns or everything of a (2,3) matrix', () => {
    for (const [axes, expected] of [
      [1, [6, 15]],
      [0, [5, 7, 9]],
      [null, [21]],
    ] as const) {
      const g = reduceGeometry([2, 3], axes, 'sum');
      const y = new Float64Array(g.outSize).fill(NaN);
      sumForward(y, x, g);
      assertValues(y, expected);
    }
  });

  it('repeats dy along the reduced axis', () => {
    const dx = new Float64Array(6);
    sumBackward(dx, Float64Array.from([10, 20]), reduceGeometry([2, 3], 1, 'sum'));
    assertValues(dx, [10, 10, 10, 20, 20, 20], 'dx');
  });

  it('gradient check over two of three axes', () => {
    const rng = new Rng(8);
    const g = reduceGeometry([2, 3, 4], [0, 2], 'sum');
    const xs = randomArray(rng, 24);
    const dy = randomArray(rng, g.outSize);
    const y = new Float64Array(g.outSize);
    const dx = new Float64Array(24);
    sumBackward(dx, dy, g);
    const forward = () => {
      sumForward(y, xs, g);
      return y;
    };
    assertVjp('dx', forward, xs, dy, dx);
  });
});
