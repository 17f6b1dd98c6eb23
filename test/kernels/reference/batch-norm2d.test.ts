import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  batchNorm2dBackwardEval,
  batchNorm2dBackwardTrain,
  batchNorm2dForwardEval,
  batchNorm2dForwardTrain,
  batchNorm2dUpdateRunningStats,
} from '../../../src/kernels/reference/batch-norm2d.js';
import { Rng } from '../../../src/rng.js';
import { batchNorm2dGeometry, type BatchNorm2dGeometry } from '../../../src/shape/batch-norm2d.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, seeded } from './check.js';

// x:(2,2,1,2). Channel 0 holds [0,2,0,2] (mean 1, variance 1), channel 1 [6,4,4,6] (mean 5,
// variance 1). With eps = 3, sqrt(var + eps) = 2, so xhat = +-1/2.
const g = batchNorm2dGeometry([2, 2, 1, 2]);
const x = Float64Array.from([0, 2, 6, 4, 0, 2, 4, 6]);
const gamma = Float64Array.from([2, -1]);
const beta = Float64Array.from([0.5, 10]);
const eps = 3;

interface Grads {
  dx: Float64Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
}

function emptyGrads(geometry: BatchNorm2dGeometry): Grads {
  const { N, C, H, W } = geometry;
  return {
    dx: new Float64Array(N * C * H * W).fill(NaN),
    dgamma: new Float64Array(C).fill(NaN),
    dbeta: new Float64Array(C).fill(NaN),
  };
}

describe('batch-norm2d reference kernel', () => {
  it('training forward: per-channel batch mean, biased variance, y = gamma xhat + beta', () => {
    const y = new Float64Array(8).fill(NaN);
    const mean = new Float64Array(2);
    const variance = new Float64Array(2);
    batchNorm2dForwardTrain(y, mean, variance, x, gamma, beta, eps, g);
    assertValues(mean, [1, 5], 'batchMean');
    assertValues(variance, [1, 1], 'batchVar');
    // Channel 0: 2 * (+-1/2) + 0.5; channel 1: -1 * (+-1/2) + 10.
    assertValues(y, [-0.5, 1.5, 9.5, 10.5, -0.5, 1.5, 10.5, 9.5]);
    batchNorm2dForwardTrain(y, mean, variance, x, null, null, eps, g);
    assertValues(y, [-0.5, 0.5, 0.5, -0.5, -0.5, 0.5, -0.5, 0.5], 'y without affine');
  });

  it('training backward by hand: dy = 1 at one entry of channel 0', () => {
    // M = 4, sum dy = 1, sum dy xhat = -1/2; dx = gamma/(M*2) * (M dy - 1 + xhat/2).
    const dy = Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0]);
    const d = emptyGrads(g);
    batchNorm2dBackwardTrain(
      d.dx,
      d.dgamma,
      d.dbeta,
      dy,
      x,
      gamma,
      Float64Array.from([1, 5]),
      Float64Array.from([1, 1]),
      eps,
      g,
    );
    assertValues(d.dbeta, [1, 0], 'dbeta');
    assertValues(d.dgamma, [-0.5, 0], 'dgamma');
    assertValues(d.dx, [0.6875, -0.1875, 0, 0, -0.3125, -0.1875, 0, 0], 'dx');
  });

  it('evaluation forward and backward use the running statistics: a fixed affine map', () => {
    const runningMean = Float64Array.from([0, 0]);
    const runningVar = Float64Array.from([1, 13]); // sqrt(var + 3) = 2 and 4
    const y = new Float64Array(8).fill(NaN);
    batchNorm2dForwardEval(y, x, runningMean, runningVar, gamma, beta, eps, g);
    // Channel 0: x + 0.5; channel 1: -x/4 + 10.
    assertValues(y, [0.5, 2.5, 8.5, 9, 0.5, 2.5, 9, 8.5]);
    const dy = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const d = emptyGrads(g);
    batchNorm2dBackwardEval(d.dx, d.dgamma, d.dbeta, dy, x, runningMean, runningVar, gamma, eps, g);
    assertValues(d.dx, [1, 2, -0.75, -1, 5, 6, -1.75, -2], 'dx');
    assertValues(d.dbeta, [1 + 2 + 5 + 6, 3 + 4 + 7 + 8], 'dbeta');
    // dgamma = sum dy * x / sqrt(var + eps): (2*2 + 6*2)/2 and (3*6 + 4*4 + 7*4 + 8*6)/4.
    assertValues(d.dgamma, [8, 27.5], 'dgamma');
  });

  it('running statistics move by momentum, the variance unbiased (times M / (M - 1))', () => {
    const runningMean = Float64Array.from([0, 1]);
    const runningVar = Float64Array.from([1, 1]);
    batchNorm2dUpdateRunningStats(
      runningMean,
      runningVar,
      Float64Array.from([1, 5]),
      Float64Array.from([1, 3]),
      0.1,
      g,
    );
    assertValues(runningMean, [0.1, 1.4], 'runningMean');
    assertValues(runningVar, [0.9 + 0.1 * (4 / 3), 0.9 + 0.1 * 4], 'runningVar');
  });

  for (const mode of ['train', 'eval'] as const) {
    it(`${mode} backward: a null output is skipped, the others equal the all-at-once call`, () => {
      const rng = new Rng(mode === 'train' ? 4 : 5);
      const ge = batchNorm2dGeometry([2, 3, 2, 2]);
      const xs = randomArray(rng, 24);
      const dy = randomArray(rng, 24);
      const gm = randomArray(rng, 3);
      const m = randomArray(rng, 3);
      const v = Float64Array.from(randomArray(rng, 3), (a) => a * a + 0.1);
      const run = (
        dx: Float64Array | null,
        dgamma: Float64Array | null,
        dbeta: Float64Array | null,
      ) =>
        mode === 'train'
          ? batchNorm2dBackwardTrain(dx, dgamma, dbeta, dy, xs, gm, m, v, 1e-5, ge)
          : batchNorm2dBackwardEval(dx, dgamma, dbeta, dy, xs, m, v, gm, 1e-5, ge);
      const all = emptyGrads(ge);
      run(all.dx, all.dgamma, all.dbeta);
      const some = emptyGrads(ge);
      run(some.dx, null, some.dbeta);
      assert.deepEqual(some.dx, all.dx);
      assert.deepEqual(some.dbeta, all.dbeta);
      assert.ok(some.dgamma.every(Number.isNaN), 'dgamma untouched');
      const only = emptyGrads(ge);
      run(null, only.dgamma, null);
      assert.deepEqual(only.dgamma, all.dgamma);
      assert.ok(only.dx.every(Number.isNaN) && only.dbeta.every(Number.isNaN));
    });
  }

  const geometries = fc
    .tuple(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
    )
    .filter(([N, , H, W]) => N * H * W >= 2);

  it('training gradient check (dx, dgamma, dbeta) on random (N,C,H,W), affine or not', () => {
    fc.assert(
      fc.property(
        geometries,
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        (shape, affine, seed) => {
          const rng = new Rng(seed);
          const ge = batchNorm2dGeometry(shape);
          const n = shape[0] * shape[1] * shape[2] * shape[3];
          const xs = randomArray(rng, n, 2);
          const gm = affine ? randomArray(rng, ge.C) : null;
          const bt = affine ? randomArray(rng, ge.C) : null;
          const dy = randomArray(rng, n);
          const y = new Float64Array(n);
          const mean = new Float64Array(ge.C);
          const variance = new Float64Array(ge.C);
          batchNorm2dForwardTrain(y, mean, variance, xs, gm, bt, 1e-3, ge);
          const d = emptyGrads(ge);
          batchNorm2dBackwardTrain(d.dx, d.dgamma, d.dbeta, dy, xs, gm, mean, variance, 1e-3, ge);
          const forward = () => {
            batchNorm2dForwardTrain(y, mean, variance, xs, gm, bt, 1e-3, ge);
            return y;
          };
          assertVjp('dx', forward, xs, dy, d.dx, { rtol: 1e-4, atol: 1e-6 });
          if (gm !== null && bt !== null) {
            assertVjp('dgamma', forward, gm, dy, d.dgamma);
            assertVjp('dbeta', forward, bt, dy, d.dbeta);
          }
        },
      ),
      seeded,
    );
  });

  it('evaluation gradient check (dx, dgamma, dbeta) on random (N,C,H,W)', () => {
    fc.assert(
      fc.property(geometries, fc.integer({ min: 0, max: 1e6 }), (shape, seed) => {
        const rng = new Rng(seed);
        const ge = batchNorm2dGeometry(shape);
        const n = shape[0] * shape[1] * shape[2] * shape[3];
        const xs = randomArray(rng, n, 2);
        const gm = randomArray(rng, ge.C);
        const bt = randomArray(rng, ge.C);
        const m = randomArray(rng, ge.C);
        const v = Float64Array.from({ length: ge.C }, () => rng.uniform(0.2, 3));
        const dy = randomArray(rng, n);
        const y = new Float64Array(n);
        const d = emptyGrads(ge);
        batchNorm2dBackwardEval(d.dx, d.dgamma, d.dbeta, dy, xs, m, v, gm, 1e-5, ge);
        const forward = () => {
          batchNorm2dForwardEval(y, xs, m, v, gm, bt, 1e-5, ge);
          return y;
        };
        assertVjp('dx', forward, xs, dy, d.dx);
        assertVjp('dgamma', forward, gm, dy, d.dgamma);
        assertVjp('dbeta', forward, bt, dy, d.dbeta);
      }),
      seeded,
    );
  });
});
