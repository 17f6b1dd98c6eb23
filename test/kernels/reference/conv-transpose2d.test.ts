import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assertClose } from '../../../src/check/compare.js';
import {
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dForward,
} from '../../../src/kernels/reference/conv-transpose2d.js';
import { conv2dBackward } from '../../../src/kernels/reference/conv2d.js';
import { Rng } from '../../../src/rng.js';
import { conv2dGeometry } from '../../../src/shape/conv2d.js';
import {
  convTranspose2dGeometry,
  type ConvTranspose2dOptions,
} from '../../../src/shape/conv-transpose2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, seeded } from './check.js';

const x1234 = Float64Array.from([1, 2, 3, 4]); // (1,1,2,2)

function forward(
  xShape: Shape,
  wShape: Shape,
  options: ConvTranspose2dOptions,
  x: Float64Array,
  w: Float64Array,
  b: Float64Array | null,
): Float64Array {
  const g = convTranspose2dGeometry(xShape, wShape, options, b === null ? null : b.length);
  const y = new Float64Array(g.N * g.F * g.OH * g.OW).fill(NaN);
  convTranspose2dForward(y, x, w, b, g);
  return y;
}

interface Case {
  x: Shape;
  w: Shape;
  options: Required<ConvTranspose2dOptions> & {
    stride: [number, number];
    padding: [number, number];
    dilation: [number, number];
    outputPadding: [number, number];
  };
}

/** Random geometries: groups, stride, padding, output padding and dilation on both axes. */
const cases: fc.Arbitrary<Case> = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 2 }),
    CG: fc.integer({ min: 1, max: 2 }),
    FG: fc.integer({ min: 1, max: 2 }),
    H: fc.integer({ min: 1, max: 4 }),
    W: fc.integer({ min: 1, max: 4 }),
    KH: fc.integer({ min: 1, max: 3 }),
    KW: fc.integer({ min: 1, max: 3 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    extra: fc.tuple(fc.nat(2), fc.nat(2)),
  })
  .map((r) => {
    // Output padding must be below the stride or the dilation on each axis.
    const outputPadding: [number, number] = [
      r.extra[0] % Math.max(r.stride[0], r.dilation[0]),
      r.extra[1] % Math.max(r.stride[1], r.dilation[1]),
    ];
    return {
      x: [r.N, r.groups * r.CG, r.H, r.W],
      w: [r.groups * r.CG, r.FG, r.KH, r.KW],
      options: {
        groups: r.groups,
        stride: r.stride,
        padding: r.padding,
        dilation: r.dilation,
        outputPadding,
      },
    };
  })
  // OH = (H-1)*stride - 2*pad + dilation*(KH-1) + outputPadding + 1 must be at least 1.
  .filter(({ x, w, options: { stride, padding, dilation, outputPadding } }) =>
    [0, 1].every(
      (a) =>
        (x[2 + a] - 1) * stride[a] -
          2 * padding[a] +
          dilation[a] * (w[2 + a] - 1) +
          outputPadding[a] +
          1 >=
        1,
    ),
  );

describe('conv-transpose2d reference kernel', () => {
  it('stride 2, 2x2 kernel: each input pixel places a scaled copy of the kernel', () => {
    const y = forward(
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      { stride: 2 },
      x1234,
      Float64Array.from([1, 10, 100, 1000]),
      null,
    );
    // prettier-ignore
    assertValues(y, [
      1, 10, 2, 20,
      100, 1000, 200, 2000,
      3, 30, 4, 40,
      300, 3000, 400, 4000,
    ]);
  });

  it('stride 1: the copies overlap and add up; a bias is added everywhere', () => {
    const y = forward(
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      {},
      x1234,
      new Float64Array(4).fill(1),
      Float64Array.from([0.5]),
    );
    assertValues(
      y,
      [1, 3, 2, 4, 10, 6, 3, 7, 4].map((v) => v + 0.5),
    );
  });

  it('padding crops the full output: padding 1 leaves the centre', () => {
    const y = forward(
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      { padding: 1 },
      x1234,
      new Float64Array(4).fill(1),
      null,
    );
    assertValues(y, [10]);
  });

  it('output padding adds a bottom row and right column that only the bias reaches', () => {
    const w = Float64Array.from([1, 10, 100, 1000]);
    const y = forward(
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      { stride: 2, outputPadding: 1 },
      x1234,
      w,
      Float64Array.from([-1]),
    );
    // prettier-ignore
    assertValues(y, [
      0, 9, 1, 19, -1,
      99, 999, 199, 1999, -1,
      2, 29, 3, 39, -1,
      299, 2999, 399, 3999, -1,
      -1, -1, -1, -1, -1,
    ]);
  });

  it('dilation 2 spreads the kernel taps two apart', () => {
    const y = forward(
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      { dilation: 2 },
      x1234,
      new Float64Array(4).fill(1),
      null,
    );
    assertValues(y, [1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4]);
  });

  it('groups 2: each input channel feeds only its own group of output channels', () => {
    // x:(1,2,1,2), w:(2,1,1,1) = [2,3]: y channel 0 = 2 * x channel 0, channel 1 = 3 * x channel 1.
    const y = forward(
      [1, 2, 1, 2],
      [2, 1, 1, 1],
      { groups: 2 },
      x1234,
      Float64Array.from([2, 3]),
      Float64Array.from([0, 1]),
    );
    assertValues(y, [2, 4, 10, 13]);
  });

  it('backward by hand: dx reads dy through the kernel, dw correlates x with dy, db sums dy', () => {
    const g = convTranspose2dGeometry([1, 1, 2, 2], [1, 1, 2, 2], {});
    const dy = Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0, 1]); // corners of the 3x3 output
    const dx = new Float64Array(4).fill(NaN);
    convTranspose2dBackwardInput(dx, dy, Float64Array.from([1, 10, 100, 1000]), g);
    // dx[i,j] = sum_{kh,kw} dy[i+kh, j+kw] w[kh,kw]: (0,0) reaches dy[0,0] by w[0,0], (1,1) dy[2,2] by w[1,1].
    assertValues(dx, [1, 0, 0, 1000], 'dx');
    const dw = new Float64Array(4).fill(NaN);
    convTranspose2dBackwardWeight(dw, dy, x1234, g);
    // dw[kh,kw] = sum_{i,j} dy[i+kh, j+kw] x[i,j]: (0,0) gets x[0,0], (1,1) gets x[1,1].
    assertValues(dw, [1, 0, 0, 4], 'dw');
    const db = new Float64Array(1).fill(NaN);
    convTranspose2dBackwardBias(db, dy, g);
    assertValues(db, [2], 'db');
  });

  it('is the adjoint of conv2d: its forward equals conv2d backward with respect to the input', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 0, max: 1e6 }), (c, seed) => {
        const op = c.options.outputPadding;
        const stride = c.options.stride;
        if (
          !Array.isArray(op) ||
          !Array.isArray(stride) ||
          op[0] >= stride[0] ||
          op[1] >= stride[1]
        )
          return;
        const rng = new Rng(seed);
        const g = convTranspose2dGeometry(c.x, c.w, c.options);
        const x = randomArray(rng, sizeOf(c.x));
        const w = randomArray(rng, sizeOf(c.w));
        const y = new Float64Array(g.N * g.F * g.OH * g.OW);
        convTranspose2dForward(y, x, w, null, g);
        const { stride: s, padding, dilation, groups } = c.options;
        const gc = conv2dGeometry([g.N, g.F, g.OH, g.OW], c.w, {
          stride: s,
          padding,
          dilation,
          groups,
        });
        assert.deepEqual([gc.OH, gc.OW], [g.H, g.W]);
        const viaConv = new Float64Array(y.length);
        conv2dBackward(viaConv, null, null, x, new Float64Array(0), w, gc);
        assertClose(y, viaConv, { rtol: 1e-12, atol: 1e-12 }, 'y vs conv2d dx');
      }),
      seeded,
    );
  });

  it('overwrites its outputs: stale values in dx, dw, db do not leak in', () => {
    const g = convTranspose2dGeometry([1, 2, 3, 3], [2, 2, 2, 2], { stride: 2, padding: 1 });
    const rng = new Rng(11);
    const x = randomArray(rng, 18);
    const w = randomArray(rng, 16);
    const dy = randomArray(rng, g.N * g.F * g.OH * g.OW);
    for (const [fresh, stale, run] of [
      [
        new Float64Array(18),
        new Float64Array(18).fill(7),
        (d: Float64Array) => convTranspose2dBackwardInput(d, dy, w, g),
      ],
      [
        new Float64Array(16),
        new Float64Array(16).fill(7),
        (d: Float64Array) => convTranspose2dBackwardWeight(d, dy, x, g),
      ],
      [
        new Float64Array(2),
        new Float64Array(2).fill(7),
        (d: Float64Array) => convTranspose2dBackwardBias(d, dy, g),
      ],
    ] as const) {
      run(fresh);
      run(stale);
      assert.deepEqual(stale, fresh);
    }
  });

  it('gradient check (dx, dw, db) on random geometries', () => {
    fc.assert(
      fc.property(cases, fc.boolean(), fc.integer({ min: 0, max: 1e6 }), (c, bias, seed) => {
        const rng = new Rng(seed);
        const g = convTranspose2dGeometry(c.x, c.w, c.options);
        const x = randomArray(rng, sizeOf(c.x));
        const w = randomArray(rng, sizeOf(c.w));
        const b = bias ? randomArray(rng, g.F) : null;
        const y = new Float64Array(g.N * g.F * g.OH * g.OW);
        const dy = randomArray(rng, y.length);
        const dx = new Float64Array(x.length);
        const dw = new Float64Array(w.length);
        convTranspose2dBackwardInput(dx, dy, w, g);
        convTranspose2dBackwardWeight(dw, dy, x, g);
        const run = () => {
          convTranspose2dForward(y, x, w, b, g);
          return y;
        };
        assertVjp('dx', run, x, dy, dx);
        assertVjp('dw', run, w, dy, dw);
        if (b !== null) {
          const db = new Float64Array(g.F);
          convTranspose2dBackwardBias(db, dy, g);
          assertVjp('db', run, b, dy, db);
        }
      }),
      seeded,
    );
  });
});
