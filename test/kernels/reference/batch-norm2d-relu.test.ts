import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  batchNorm2dReluBackwardTrain,
  batchNorm2dReluForwardTrain,
} from '../../../src/kernels/reference/batch-norm2d-relu.js';
import { Rng } from '../../../src/rng.js';
import { batchNorm2dGeometry } from '../../../src/shape/batch-norm2d.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp } from './check.js';

// x:(2,2,1,2) as in batch-norm2d.test.ts: xhat = +-1/2 with eps = 3.
const g = batchNorm2dGeometry([2, 2, 1, 2]);
const x = Float64Array.from([0, 2, 6, 4, 0, 2, 4, 6]);
const gamma = Float64Array.from([2, -1]);
const beta = Float64Array.from([0.5, -0.25]);
const eps = 3;

describe('batch-norm2d-relu reference kernel', () => {
  it('forward: relu(gamma xhat + beta), with the batch statistics', () => {
    const y = new Float64Array(8).fill(NaN);
    const mean = new Float64Array(2);
    const variance = new Float64Array(2);
    batchNorm2dReluForwardTrain(y, mean, variance, x, gamma, beta, eps, g);
    assertValues(mean, [1, 5], 'batchMean');
    assertValues(variance, [1, 1], 'batchVar');
    // Channel 0: 2 * (+-1/2) + 0.5 -> -0.5 (0), 1.5; channel 1: -1 * (+-1/2) - 0.25 -> 0.25, -0.75 (0).
    assertValues(y, [0, 1.5, 0, 0.25, 0, 1.5, 0.25, 0]);
  });

  it('backward: the batch norm gradients at dy masked by y > 0, by central differences', () => {
    const rng = new Rng(3);
    const shape = batchNorm2dGeometry([3, 2, 2, 3]);
    const size = 36;
    const xs = Float64Array.from(randomArray(rng, size));
    const gs = Float64Array.from(randomArray(rng, 2));
    const bs = Float64Array.from(randomArray(rng, 2));
    const dy = Float64Array.from(randomArray(rng, size));
    const forward = () => {
      const out = new Float64Array(size);
      batchNorm2dReluForwardTrain(
        out,
        new Float64Array(2),
        new Float64Array(2),
        xs,
        gs,
        bs,
        eps,
        shape,
      );
      return out;
    };
    const y = forward();
    assert.ok(y.some((v) => v === 0) && y.some((v) => v > 0), 'both sides of the ReLU');
    const mean = new Float64Array(2);
    const variance = new Float64Array(2);
    batchNorm2dReluForwardTrain(new Float64Array(size), mean, variance, xs, gs, bs, eps, shape);
    const dx = new Float64Array(size);
    const dgamma = new Float64Array(2);
    const dbeta = new Float64Array(2);
    batchNorm2dReluBackwardTrain(dx, dgamma, dbeta, dy, y, xs, gs, mean, variance, eps, shape);
    assertVjp('dx', forward, xs, dy, dx);
    assertVjp('dgamma', forward, gs, dy, dgamma);
    assertVjp('dbeta', forward, bs, dy, dbeta);
  });

  it('backward: a NaN output is masked like the ReLU backward masks it (NaN is not > 0)', () => {
    const dy = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const y = Float64Array.from([NaN, 1, 0, 1, 0, 1, 1, 0]);
    const dbeta = new Float64Array(2);
    const [mean, variance] = [Float64Array.from([1, 5]), Float64Array.from([1, 1])];
    batchNorm2dReluBackwardTrain(null, null, dbeta, dy, y, x, gamma, mean, variance, eps, g);
    // Channel 0 holds entries 0, 1, 4, 5 (kept: 1, 5); channel 1 entries 2, 3, 6, 7 (kept: 3, 6).
    assertValues(dbeta, [2 + 6, 4 + 7], 'dbeta');
  });
});
