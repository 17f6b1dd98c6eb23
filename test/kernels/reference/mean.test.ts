import { describe, it } from 'node:test';
import { meanBackward, meanForward } from '../../../src/kernels/reference/mean.js';
import { Rng } from '../../../src/rng.js';
import { reduceGeometry } from '../../..//src/shape/reduce.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

const x = Float64Array.from([1, 2, 3, 4, 5, 6]); // (2,3)

describe('mean reference kernel', () => {
  it('averages rows, columns or everything of a (2,3) matrix', () => {
    for (const [axes, expected] of [
      [1, [2, 5]],
      [0, [2.5, 3.5, 4.5]],
      [null, [3.5]],
    ] as const) {
      const g = reduceGeometry([2, 3], axes, 'mean');
      const y = new Float64Array(g.outSize).fill(NaN);
      meanForward(y, x, g);
      assertValues(y, expected);
    }
  });

  it('repeats dy / count along the reduced axis', () => {
    const dx = new Float64Array(6);
    meanBackward(dx, Float64Array.from([3, 6]), reduceGeometry([2, 3], 1, 'mean'));
    assertValues(dx, [1, 1, 1, 2, 2, 2], 'dx');
  });

  it('gradient check over two of three axes', () => {
    const rng = new Rng(9);
    const g = reduceGeometry([2, 3, 4], [0, 2], 'mean');
    const xs = randomArray(rng, 24);
    const dy = randomArray(rng, g.outSize);
    const y = new Float64Array(g.outSize);
    const dx = new Float64Array(24);
    meanBackward(dx, dy, g);
    const forward = () => {
      meanForward(y, xs, g);
      return y;
    };
    assertVjp('dx', forward, xs, dy, dx);
  });
});
