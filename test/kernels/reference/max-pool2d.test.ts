import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGradient } from '../../../src/check/gradient-check.js';
import { maxPool2dBackward, maxPool2dForward } from '../../../src/kernels/reference/max-pool2d.js';
import { Rng } from '../../../src/rng.js';
import {
  pool2dGeometry,
  type Pool2dGeometry,
  type Pool2dOptions,
} from '../../../src/shape/pool2d.js';
import { sizeOf, type FloatArray, type Shape } from '../../../src/tensor.js';
import { distinctArray, dot, randomArray } from '../../helpers.js';

const cases: { name: string; x: Shape; options: Pool2dOptions }[] = [
  { name: '2x2 stride 2', x: [2, 3, 6, 6], options: { kernelSize: 2 } },
  {
    name: '3x3 stride 2 padding 1 (overlapping windows)',
    x: [1, 2, 7, 7],
    options: { kernelSize: 3, stride: 2, padding: 1 },
  },
  {
    name: 'non-square kernel and input, per-axis stride',
    x: [2, 1, 5, 8],
    options: { kernelSize: [3, 2], stride: [1, 2] },
  },
  {
    name: 'odd input, 2x2 stride 2 drops the last row and column',
    x: [1, 2, 5, 7],
    options: { kernelSize: 2 },
  },
  {
    name: '3x3 stride 1 (a pixel can win several windows)',
    x: [1, 1, 5, 5],
    options: { kernelSize: 3, stride: 1 },
  },
];

/** The tutorial's backward: mask = (x == dout). Wrong, and kept here only to prove the test catches it. */
function buggyMaxPoolBackward(
  dx: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  g: Pool2dGeometry,
): void {
  dx.fill(0);
  const { C, H, W, KH, KW, strideH, strideW, OH, OW } = g;
  for (let n = 0; n < g.N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          const dout = dy[((n * C + c) * OH + i) * OW + j];
          for (let kh = 0; kh < KH; kh++)
            for (let kw = 0; kw < KW; kw++) {
              const index = ((n * C + c) * H + i * strideH + kh) * W + j * strideW + kw;
              if (x[index] === dout) dx[index] += dout;
            }
        }
}

describe('max pool reference kernel', () => {
  it('takes the maximum of each window', () => {
    const g = pool2dGeometry([1, 1, 4, 4], { kernelSize: 2 });
    const y = new Float64Array(4);
    maxPool2dForward(y, Float64Array.from([1, 2, 5, 6, 3, 4, 7, 8, -1, -2, 0, 0, -3, -4, 0, 9]), g);
    assert.deepEqual(Array.from(y), [4, 8, -1, 9]);
  });

  for (const c of cases) {
    it(`gradient check: ${c.name}`, () => {
      const rng = new Rng(sizeOf(c.x));
      const g = pool2dGeometry(c.x, c.options, 'maxPool2d');
      const x = distinctArray(rng, sizeOf(c.x)); // no ties: values at least 0.09 apart, far beyond eps
      const y = new Float64Array(g.N * g.C * g.OH * g.OW);
      const dy = randomArray(rng, y.length);
      const dx = new Float64Array(x.length);
      maxPool2dBackward(dx, dy, x, g);
      assertGradient(
        'dx',
        () => {
          maxPool2dForward(y, x, g);
          return dot(y, dy);
        },
        x,
        dx,
      );
    });
  }

  it('sends the gradient only to the position of the maximum', () => {
    const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 });
    const dx = new Float64Array(4);
    maxPool2dBackward(dx, Float64Array.from([10]), Float64Array.from([0.1, 0.7, 0.3, 0.2]), g);
    assert.deepEqual(Array.from(dx), [0, 10, 0, 0]);
  });

  it('breaks ties toward the first maximum in row-major order, as PyTorch does', () => {
    const g = pool2dGeometry([1, 1, 2, 4], { kernelSize: 2 });
    const x = Float64Array.from([1, 3, 5, 5, 3, 2, 5, 5]);
    const dx = new Float64Array(8);
    maxPool2dBackward(dx, Float64Array.from([1, 2]), x, g);
    // Window 0 holds 1,3 / 3,2: first 3 is index 1. Window 1 holds 5,5 / 5,5: first is index 2.
    assert.deepEqual(Array.from(dx), [0, 1, 2, 0, 0, 0, 0, 0]);
  });

  it('does not use the x == dout mask (a test the tutorial bug fails)', () => {
    // The window's maximum is 5, but the incoming gradient happens to equal the 3 in it.
    const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 });
    const x = Float64Array.from([1, 5, 3, 2]);
    const dy = Float64Array.from([3]);
    const expected = [0, 3, 0, 0];
    const dx = new Float64Array(4);
    maxPool2dBackward(dx, dy, x, g);
    assert.deepEqual(Array.from(dx), expected);
    const buggy = new Float64Array(4);
    buggyMaxPoolBackward(buggy, dy, x, g);
    assert.notDeepEqual(Array.from(buggy), expected, 'the check must be able to fail');
  });

  it('never lets padding win: an all-negative input keeps its negative maxima', () => {
    const g = pool2dGeometry([1, 1, 3, 3], { kernelSize: 3, stride: 1, padding: 1 });
    const x = Float64Array.from([-9, -8, -7, -6, -5, -4, -3, -2, -1]);
    const y = new Float64Array(9);
    maxPool2dForward(y, x, g);
    assert.deepEqual(Array.from(y), [-5, -4, -4, -2, -1, -1, -2, -1, -1]);
  });

  it('propagates NaN instead of hiding it', () => {
    const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 });
    const y = new Float64Array(1);
    maxPool2dForward(y, Float64Array.from([1, NaN, 3, 2]), g);
    assert.ok(Number.isNaN(y[0]));
  });
});
