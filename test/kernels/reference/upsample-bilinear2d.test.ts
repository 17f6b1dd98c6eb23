import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  upsampleBilinear2dBackward,
  upsampleBilinear2dForward,
} from '../../../src/kernels/reference/upsample-bilinear2d.js';
import { Rng } from '../../../src/rng.js';
import { upsample2dGeometry, type Upsample2dOptions } from '../../../src/shape/upsample2d.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, seeded } from './check.js';

const x1234 = Float64Array.from([1, 2, 3, 4]); // (1,1,2,2): [1,2;3,4]

function up(
  x: Float64Array,
  shape: [number, number, number, number],
  options: Upsample2dOptions,
  alignCorners: boolean,
) {
  const g = upsample2dGeometry(shape, options);
  const y = new Float64Array(g.N * g.C * g.OH * g.OW).fill(NaN);
  upsampleBilinear2dForward(y, x, g, { alignCorners });
  return y;
}

describe('upsample-bilinear2d reference kernel', () => {
  it('alignCorners false (the default): 2x2 -> 4x4 samples at src = (i + 0.5)/2 - 0.5, clamped at 0', () => {
    const g = upsample2dGeometry([1, 1, 2, 2], { scaleFactor: 2 });
    const y = new Float64Array(16).fill(NaN);
    upsampleBilinear2dForward(y, x1234, g); // no mode: alignCorners false
    // prettier-ignore
    assertValues(y, [
      1, 1.25, 1.75, 2,
      1.5, 1.75, 2.25, 2.5,
      2.5, 2.75, 3.25, 3.5,
      3, 3.25, 3.75, 4,
    ]);
  });

  it('alignCorners true: 2x2 -> 3x3 samples at src = i (H-1)/(OH-1), the corners kept', () => {
    assertValues(
      up(x1234, [1, 1, 2, 2], { size: [3, 3] }, true),
      [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4],
    );
  });

  it('alignCorners true with OH = 1 samples row 0; the same size is a copy in both modes', () => {
    assertValues(up(x1234, [1, 1, 2, 2], { size: [1, 2] }, true), [1, 2]);
    for (const alignCorners of [false, true]) {
      assertValues(up(x1234, [1, 1, 2, 2], { size: [2, 2] }, alignCorners), [1, 2, 3, 4]);
    }
  });

  it('scales each axis on its own, and each (n,c) plane on its own', () => {
    // x:(2,1,1,2) = two planes [1,2] and [10,20], width 2 -> 4 (alignCorners false), height 1 -> 1.
    const y = up(Float64Array.from([1, 2, 10, 20]), [2, 1, 1, 2], { size: [1, 4] }, false);
    assertValues(y, [1, 1.25, 1.75, 2, 10, 12.5, 17.5, 20]);
  });

  it('backward sends dy back with the same weights: all-ones dy sums them', () => {
    const dx = new Float64Array(4).fill(NaN);
    // alignCorners false, 2x2 -> 4x4: by symmetry each input pixel receives 16/4 = 4.
    upsampleBilinear2dBackward(
      dx,
      new Float64Array(16).fill(1),
      upsample2dGeometry([1, 1, 2, 2], { scaleFactor: 2 }),
    );
    assertValues(dx, [4, 4, 4, 4], 'dx');
    // alignCorners true, 2x2 -> 3x3: rows weigh input row 0 by 1 + 1/2 + 0, and likewise columns.
    const g = upsample2dGeometry([1, 1, 2, 2], { size: [3, 3] });
    upsampleBilinear2dBackward(dx, new Float64Array(9).fill(1), g, { alignCorners: true });
    assertValues(dx, [2.25, 2.25, 2.25, 2.25], 'dx, alignCorners');
    // dy = 1 at the centre output (2.5 = the mean of all four) spreads 1/4 to each.
    upsampleBilinear2dBackward(dx, Float64Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]), g, {
      alignCorners: true,
    });
    assertValues(dx, [0.25, 0.25, 0.25, 0.25], 'dx, centre');
  });

  it('gradient check on random sizes, up and down, both modes', () => {
    const geometry = fc.record({
      N: fc.integer({ min: 1, max: 2 }),
      C: fc.integer({ min: 1, max: 2 }),
      H: fc.integer({ min: 1, max: 4 }),
      W: fc.integer({ min: 1, max: 4 }),
      OH: fc.integer({ min: 1, max: 7 }),
      OW: fc.integer({ min: 1, max: 7 }),
    });
    fc.assert(
      fc.property(
        geometry,
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        (s, alignCorners, seed) => {
          const rng = new Rng(seed);
          const g = upsample2dGeometry([s.N, s.C, s.H, s.W], { size: [s.OH, s.OW] });
          const x = randomArray(rng, s.N * s.C * s.H * s.W);
          const dy = randomArray(rng, s.N * s.C * s.OH * s.OW);
          const y = new Float64Array(dy.length);
          const dx = new Float64Array(x.length).fill(NaN);
          upsampleBilinear2dBackward(dx, dy, g, { alignCorners });
          const forward = () => {
            upsampleBilinear2dForward(y, x, g, { alignCorners });
            return y;
          };
          assertVjp('dx', forward, x, dy, dx);
        },
      ),
      seeded,
    );
  });
});
