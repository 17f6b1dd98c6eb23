import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGradient } from '../../../src/check/gradient-check.js';
import { conv2dBackward, conv2dForward } from '../../../src/kernels/reference/conv2d.js';
import { Rng } from '../../../src/rng.js';
import { conv2dGeometry, type Conv2dOptions } from '../../../src/shape/conv2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { dot, randomArray } from '../../helpers.js';

interface ConvCase {
  name: string;
  x: Shape;
  w: Shape;
  options: Conv2dOptions;
  bias: boolean;
}

/** The grid every conv kernel is checked on. */
const cases: ConvCase[] = [
  { name: '3x3, stride 1, no padding', x: [2, 3, 5, 5], w: [4, 3, 3, 3], options: {}, bias: true },
  {
    name: 'stride 2, padding 1',
    x: [2, 2, 7, 7],
    w: [3, 2, 3, 3],
    options: { stride: 2, padding: 1 },
    bias: true,
  },
  {
    name: 'non-square input and kernel, per-axis stride and padding',
    x: [1, 2, 5, 8],
    w: [2, 2, 2, 3],
    options: { stride: [1, 2], padding: [1, 0] },
    bias: true,
  },
  {
    name: 'dilation 2',
    x: [2, 2, 7, 6],
    w: [3, 2, 3, 2],
    options: { dilation: 2, padding: 1 },
    bias: true,
  },
  {
    name: 'groups 2',
    x: [2, 4, 5, 5],
    w: [6, 2, 3, 3],
    options: { groups: 2, padding: 1 },
    bias: true,
  },
  {
    name: 'depthwise (groups = C)',
    x: [1, 3, 6, 5],
    w: [3, 1, 3, 3],
    options: { groups: 3, stride: 2, padding: 1 },
    bias: true,
  },
  {
    name: '1x1 kernel, odd sizes, no bias',
    x: [3, 5, 3, 7],
    w: [7, 5, 1, 1],
    options: {},
    bias: false,
  },
  {
    name: 'N = 1, 5x5 kernel, padding 2, stride 3',
    x: [1, 1, 9, 9],
    w: [2, 1, 5, 5],
    options: { stride: 3, padding: 2 },
    bias: true,
  },
];

describe('conv2d reference kernel', () => {
  it('computes the seed example by hand: a diagonal-difference filter', () => {
    // x = 1..9 in a 3x3 image, w = [[1,0],[0,-1]], b = 0.5: y[i,j] = x[i,j] - x[i+1,j+1] + 0.5 = -3.5
    const g = conv2dGeometry([1, 1, 3, 3], [1, 1, 2, 2], {}, 1);
    const y = new Float64Array(4);
    conv2dForward(
      y,
      Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]),
      Float64Array.from([1, 0, 0, -1]),
      Float64Array.from([0.5]),
      g,
    );
    assert.deepEqual(Array.from(y), [-3.5, -3.5, -3.5, -3.5]);
  });

  it('sums over all input channels and adds one bias per filter', () => {
    // Two channels of ones, a 1x1 filter with weights (2, 3): every output is 2 + 3 + bias.
    const g = conv2dGeometry([1, 2, 2, 2], [2, 2, 1, 1], {}, 2);
    const y = new Float64Array(8);
    conv2dForward(
      y,
      new Float64Array(8).fill(1),
      Float64Array.from([2, 3, -1, 1]),
      Float64Array.from([10, 0]),
      g,
    );
    assert.deepEqual(Array.from(y), [15, 15, 15, 15, 0, 0, 0, 0]);
  });

  it('pads with zeros: a 3x3 box filter with padding 1 counts the neighbours inside the image', () => {
    const g = conv2dGeometry([1, 1, 3, 3], [1, 1, 3, 3], { padding: 1 });
    const y = new Float64Array(9);
    conv2dForward(y, new Float64Array(9).fill(1), new Float64Array(9).fill(1), null, g);
    assert.deepEqual(Array.from(y), [4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });

  for (const c of cases) {
    it(`gradient check: ${c.name}`, () => {
      const rng = new Rng(sizeOf(c.x) * 31 + sizeOf(c.w));
      const g = conv2dGeometry(c.x, c.w, c.options, c.bias ? c.w[0] : null);
      const x = randomArray(rng, sizeOf(c.x));
      const w = randomArray(rng, sizeOf(c.w));
      const b = c.bias ? randomArray(rng, g.F) : null;
      const y = new Float64Array(g.N * g.F * g.OH * g.OW);
      const dy = randomArray(rng, y.length); // L = sum(y * dy), so dL/dy = dy
      const loss = () => {
        conv2dForward(y, x, w, b, g);
        return dot(y, dy);
      };
      const dx = new Float64Array(x.length);
      const dw = new Float64Array(w.length);
      conv2dBackward(dx, null, null, dy, new Float64Array(0), w, g);
      conv2dBackward(null, dw, null, dy, x, new Float64Array(0), g);
      assertGradient('dx', loss, x, dx);
      assertGradient('dw', loss, w, dw);
      if (b !== null) {
        const db = new Float64Array(g.F);
        conv2dBackward(null, null, db, dy, new Float64Array(0), new Float64Array(0), g);
        assertGradient('db', loss, b, db);
      }
    });
  }

  for (const c of cases) {
    it(`fused backward: all three at once equal each subset, a null output skipped: ${c.name}`, () => {
      const rng = new Rng(sizeOf(c.x) * 7 + sizeOf(c.w));
      const g = conv2dGeometry(c.x, c.w, c.options, c.bias ? c.w[0] : null);
      const x = randomArray(rng, sizeOf(c.x));
      const w = randomArray(rng, sizeOf(c.w));
      const b = c.bias ? randomArray(rng, g.F) : null;
      const y = new Float64Array(g.N * g.F * g.OH * g.OW);
      const dy = randomArray(rng, y.length);
      const fresh = () => ({
        dx: new Float64Array(x.length).fill(NaN),
        dw: new Float64Array(w.length).fill(NaN),
        db: new Float64Array(g.F).fill(NaN),
      });
      const all = fresh();
      conv2dBackward(all.dx, all.dw, all.db, dy, x, w, g);
      const loss = () => {
        conv2dForward(y, x, w, b, g);
        return dot(y, dy);
      };
      assertGradient('dx (all at once)', loss, x, all.dx);
      assertGradient('dw (all at once)', loss, w, all.dw);
      if (b !== null) assertGradient('db (all at once)', loss, b, all.db);
      const subsets: [boolean, boolean, boolean][] = [
        [true, true, false],
        [true, false, true],
        [false, true, true],
        [false, false, false],
      ];
      for (const [wantX, wantW, wantB] of subsets) {
        const some = fresh();
        conv2dBackward(
          wantX ? some.dx : null,
          wantW ? some.dw : null,
          wantB ? some.db : null,
          dy,
          x,
          w,
          g,
        );
        const label = `subset dx ${wantX} dw ${wantW} db ${wantB}`;
        for (const [want, got, expected] of [
          [wantX, some.dx, all.dx],
          [wantW, some.dw, all.dw],
          [wantB, some.db, all.db],
        ] as const) {
          if (want) assert.deepEqual(got, expected, label);
          else
            assert.ok(got.every(Number.isNaN), `${label}: a null output's buffer stays untouched`);
        }
      }
    });
  }

  it('overwrites its outputs instead of accumulating into stale values', () => {
    const g = conv2dGeometry([1, 1, 4, 4], [1, 1, 3, 3], {});
    const rng = new Rng(3);
    const x = randomArray(rng, 16);
    const w = randomArray(rng, 9);
    const dy = randomArray(rng, 4);
    const fresh = new Float64Array(16);
    const stale = new Float64Array(16).fill(123);
    conv2dBackward(fresh, null, null, dy, new Float64Array(0), w, g);
    conv2dBackward(stale, null, null, dy, new Float64Array(0), w, g);
    assert.deepEqual(stale, fresh);
    const dwFresh = new Float64Array(9);
    const dwStale = new Float64Array(9).fill(-7);
    conv2dBackward(null, dwFresh, null, dy, x, new Float64Array(0), g);
    conv2dBackward(null, dwStale, null, dy, x, new Float64Array(0), g);
    assert.deepEqual(dwStale, dwFresh);
  });

  it('agrees in float32 with the float64 result', () => {
    const g = conv2dGeometry([2, 3, 6, 6], [4, 3, 3, 3], { padding: 1 }, 4);
    const rng = new Rng(5);
    const x = randomArray(rng, 216);
    const w = randomArray(rng, 108);
    const b = randomArray(rng, 4);
    const y64 = new Float64Array(2 * 4 * 36);
    const y32 = new Float32Array(2 * 4 * 36);
    conv2dForward(y64, x, w, b, g);
    conv2dForward(y32, Float32Array.from(x), Float32Array.from(w), Float32Array.from(b), g);
    for (let i = 0; i < y64.length; i++)
      assert.ok(Math.abs(y32[i] - y64[i]) < 1e-4 * (1 + Math.abs(y64[i])));
  });
});
