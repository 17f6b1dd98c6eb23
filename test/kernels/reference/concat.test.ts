import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatBackward, concatForward } from '../../../src/kernels/reference/concat.js';
import { Rng } from '../../../src/rng.js';
import { concatGeometry } from '../../..//src/shape/concat.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

describe('concat reference kernel', () => {
  it('joins (2,1) and (2,2) along axis 1, and splits dy back', () => {
    const g = concatGeometry(
      [
        [2, 1],
        [2, 2],
      ],
      1,
    );
    assert.deepEqual(g.shape, [2, 3]);
    const y = new Float64Array(6);
    concatForward(y, [Float64Array.from([1, 2]), Float64Array.from([3, 4, 5, 6])], g);
    assertValues(y, [1, 3, 4, 2, 5, 6]);
    const dx0 = new Float64Array(2);
    const dx1 = new Float64Array(4);
    concatBackward([dx0, dx1], Float64Array.from([10, 20, 30, 40, 50, 60]), g);
    assertValues(dx0, [10, 40], 'dx0');
    assertValues(dx1, [20, 30, 50, 60], 'dx1');
    const skipped = new Float64Array(4);
    concatBackward([null, skipped], Float64Array.from([10, 20, 30, 40, 50, 60]), g);
    assertValues(skipped, [20, 30, 50, 60], 'dx1 beside a null');
  });

  it('gradient check along a middle axis of three inputs', () => {
    const rng = new Rng(11);
    const shapes = [
      [2, 1, 3],
      [2, 3, 3],
      [2, 2, 3],
    ];
    const g = concatGeometry(shapes, 1);
    const xs = shapes.map((s) => randomArray(rng, s[0] * s[1] * s[2]));
    const y = new Float64Array(36);
    const dy = randomArray(rng, 36);
    const dxs = xs.map((x) => new Float64Array(x.length));
    concatBackward(dxs, dy, g);
    const forward = () => {
      concatForward(y, xs, g);
      return y;
    };
    xs.forEach((x, t) => assertVjp(`dx${t}`, forward, x, dy, dxs[t]));
  });
});
