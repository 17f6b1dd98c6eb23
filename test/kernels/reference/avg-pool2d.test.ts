import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGradient } from '../../../src/check/gradient-check.js';
import { avgPool2dBackward, avgPool2dForward } from '../../../src/kernels/reference/avg-pool2d.js';
import { Rng } from '../../../src/rng.js';
import { pool2dGeometry, type Pool2dOptions } from '../../../src/shape/pool2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { dot, randomArray } from '../../helpers.js';

const cases: { name: string; x: Shape; options: Pool2dOptions }[] = [
  { name: '2x2 stride 2', x: [2, 3, 6, 6], options: { kernelSize: 2 } },
  {
    name: '3x3 stride 2 padding 1',
    x: [1, 2, 7, 6],
    options: { kernelSize: 3, stride: 2, padding: 1 },
  },
  {
    name: 'non-square kernel, per-axis stride and padding',
    x: [2, 1, 5, 8],
    options: { kernelSize: [3, 2], stride: [1, 2], padding: [1, 1] },
  },
  { name: 'N = 1, odd input', x: [1, 1, 5, 5], options: { kernelSize: 2 } },
];

describe('average pool reference kernel', () => {
  it('averages each window', () => {
    const g = pool2dGeometry([1, 1, 2, 4], { kernelSize: 2 });
    const y = new Float64Array(2);
    avgPool2dForward(y, Float64Array.from([1, 2, 5, 6, 3, 4, 7, 8]), g);
    assert.deepEqual(Array.from(y), [2.5, 6.5]);
  });

  it('counts padding in the divisor by default, and not with countIncludePad: false', () => {
    const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2, stride: 1, padding: 1 });
    const x = Float64Array.from([4, 4, 4, 4]);
    const y = new Float64Array(9);
    avgPool2dForward(y, x, g);
    assert.deepEqual(Array.from(y), [1, 2, 1, 2, 4, 2, 1, 2, 1]);
    avgPool2dForward(y, x, g, { countIncludePad: false });
    assert.deepEqual(Array.from(y), [4, 4, 4, 4, 4, 4, 4, 4, 4]);
  });

  for (const countIncludePad of [true, false]) {
    for (const c of cases) {
      it(`gradient check: ${c.name}, countIncludePad ${countIncludePad}`, () => {
        const rng = new Rng(sizeOf(c.x) + (countIncludePad ? 1 : 0));
        const g = pool2dGeometry(c.x, c.options, 'avgPool2d');
        const x = randomArray(rng, sizeOf(c.x));
        const y = new Float64Array(g.N * g.C * g.OH * g.OW);
        const dy = randomArray(rng, y.length);
        const dx = new Float64Array(x.length);
        avgPool2dBackward(dx, dy, g, { countIncludePad });
        assertGradient(
          'dx',
          () => {
            avgPool2dForward(y, x, g, { countIncludePad });
            return dot(y, dy);
          },
          x,
          dx,
        );
      });
    }
  }
});
