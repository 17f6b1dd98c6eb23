import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  upsampleNearest2dBackward,
  upsampleNearest2dForward,
} from '../../../src/kernels/reference/upsample-nearest2d.js';
import { Rng } from '../../../src/rng.js';
import { upsample2dGeometry, type Upsample2dOptions } from '../../../src/shape/upsample2d.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, seeded } from './check.js';

const x1234 = Float64Array.from([1, 2, 3, 4]); // (1,1,2,2): [1,2;3,4]

function up(x: Float64Array, shape: [number, number, number, number], options: Upsample2dOptions) {
  const g = upsample2dGeometry(shape, options);
  const y = new Float64Array(g.N * g.C * g.OH * g.OW).fill(NaN);
  upsampleNearest2dForward(y, x, g);
  return y;
}

function down(
  dy: Float64Array,
  shape: [number, number, number, number],
  options: Upsample2dOptions,
) {
  const g = upsample2dGeometry(shape, options);
  const dx = new Float64Array(g.N * g.C * g.H * g.W).fill(NaN);
  upsampleNearest2dBackward(dx, dy, g);
  return dx;
}

describe('upsample-nearest2d reference kernel', () => {
  it('scale 2: each pixel becomes a 2x2 block; dx sums the block', () => {
    // prettier-ignore
    assertValues(up(x1234, [1, 1, 2, 2], { scaleFactor: 2 }), [
      1, 1, 2, 2,
      1, 1, 2, 2,
      3, 3, 4, 4,
      3, 3, 4, 4,
    ]);
    const dy = Float64Array.from({ length: 16 }, (_, i) => i);
    // Block sums: (0+1+4+5), (2+3+6+7), (8+9+12+13), (10+11+14+15).
    assertValues(down(dy, [1, 1, 2, 2], { scaleFactor: 2 }), [10, 18, 42, 50], 'dx');
  });

  it('size 3x3 from 2x2: src(i) = floor(i * 2/3) picks rows and columns 0, 0, 1', () => {
    assertValues(up(x1234, [1, 1, 2, 2], { size: [3, 3] }), [1, 1, 2, 1, 1, 2, 3, 3, 4]);
    assertValues(
      down(new Float64Array(9).fill(1), [1, 1, 2, 2], { size: [3, 3] }),
      [4, 2, 2, 1],
      'dx',
    );
  });

  it('shrinks too: 4x4 -> 2x2 keeps every other pixel, and dx is zero elsewhere', () => {
    const x = Float64Array.from({ length: 16 }, (_, i) => i);
    assertValues(up(x, [1, 1, 4, 4], { size: [2, 2] }), [0, 2, 8, 10]);
    const dx = down(Float64Array.from([1, 2, 3, 4]), [1, 1, 4, 4], { size: [2, 2] });
    assertValues(dx, [1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0], 'dx');
  });

  it('computes i * scale in float32, as PyTorch: H = 2 -> OH = 82 maps row 41 to row 0', () => {
    // In float64 41 * (2/82) is exactly 1; in float32 it is 0.99999994, so row 41 copies row 0.
    const y = up(Float64Array.from([5, 7]), [1, 1, 2, 1], { size: [82, 1] });
    const expected = Array.from({ length: 82 }, (_, i) => (i <= 41 ? 5 : 7));
    assertValues(y, expected);
    assertValues(
      down(new Float64Array(82).fill(1), [1, 1, 2, 1], { size: [82, 1] }),
      [42, 40],
      'dx',
    );
  });

  it('gradient check on random sizes, up and down', () => {
    const geometry = fc.record({
      N: fc.integer({ min: 1, max: 2 }),
      C: fc.integer({ min: 1, max: 2 }),
      H: fc.integer({ min: 1, max: 4 }),
      W: fc.integer({ min: 1, max: 4 }),
      OH: fc.integer({ min: 1, max: 7 }),
      OW: fc.integer({ min: 1, max: 7 }),
    });
    fc.assert(
      fc.property(geometry, fc.integer({ min: 0, max: 1e6 }), (s, seed) => {
        const rng = new Rng(seed);
        const g = upsample2dGeometry([s.N, s.C, s.H, s.W], { size: [s.OH, s.OW] });
        const x = randomArray(rng, s.N * s.C * s.H * s.W);
        const dy = randomArray(rng, s.N * s.C * s.OH * s.OW);
        const y = new Float64Array(dy.length);
        const dx = new Float64Array(x.length).fill(NaN);
        upsampleNearest2dBackward(dx, dy, g);
        const forward = () => {
          upsampleNearest2dForward(y, x, g);
          return y;
        };
        assertVjp('dx', forward, x, dy, dx);
      }),
      seeded,
    );
  });
});
