import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  binaryCrossEntropyWithLogitsBackward,
  binaryCrossEntropyWithLogitsForward,
} from '../../../src/kernels/reference/binary-cross-entropy-with-logits.js';
import { Rng } from '../../../src/rng.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, seeded } from './check.js';

const LN2 = 0.6931471805599453;
const softplusMinus2 = 0.1269280110429725; // log(1 + exp(-2))
const sigmoid2 = 0.8807970779778823; // 1 / (1 + exp(-2))

const x = Float64Array.from([0, 0, 2, 2, 0]);
const t = Float64Array.from([1, 0, 1, 0, 0.5]);

describe('binary cross-entropy with logits reference kernel', () => {
  it('losses = -(t log sigmoid(x) + (1-t) log(1 - sigmoid(x))) by hand', () => {
    const losses = new Float64Array(5).fill(NaN);
    binaryCrossEntropyWithLogitsForward(losses, x, t, null);
    // x = 0: log 2 whatever t; x = 2, t = 1: softplus(-2); x = 2, t = 0: 2 + softplus(-2).
    assertValues(losses, [LN2, LN2, softplusMinus2, 2 + softplusMinus2, LN2]);
  });

  it('weighs positives by posWeight: pw * t * softplus(-x) + (1 - t) * softplus(x)', () => {
    const losses = new Float64Array(5);
    binaryCrossEntropyWithLogitsForward(losses, x, t, Float64Array.from([3, 3, 3, 3, 3]));
    assertValues(losses, [3 * LN2, LN2, 3 * softplusMinus2, 2 + softplusMinus2, 2 * LN2]);
  });

  it('never overflows: logits of +-1000 give exact losses', () => {
    const losses = new Float64Array(4);
    const big = Float64Array.from([1000, -1000, 1000, -1000]);
    binaryCrossEntropyWithLogitsForward(losses, big, Float64Array.from([0, 1, 1, 0]), null);
    assert.deepEqual(Array.from(losses), [1000, 1000, 0, 0]);
    const dx = new Float64Array(4);
    const dt = new Float64Array(4);
    binaryCrossEntropyWithLogitsBackward(
      dx,
      dt,
      Float64Array.from([1, 1, 1, 1]),
      big,
      Float64Array.from([0, 1, 1, 0]),
      null,
    );
    assert.deepEqual(Array.from(dx), [1, -1, 0, 0]);
    assert.deepEqual(Array.from(dt), [-1000, 1000, -1000, 1000]);
  });

  it('dx = dl ((1 - t) - (1 + (pw - 1) t) sigmoid(-x)), dt = dl (-x + (pw - 1) softplus(-x))', () => {
    const dl = Float64Array.from([1, 1, 2, 1, 1]);
    const dx = new Float64Array(5).fill(NaN);
    const dt = new Float64Array(5).fill(NaN);
    binaryCrossEntropyWithLogitsBackward(dx, dt, dl, x, t, null);
    assertValues(dx, [-0.5, 0.5, 2 * (sigmoid2 - 1), sigmoid2, 0], 'dx');
    assertValues(dt, [0, 0, -4, -2, 0], 'dt');
    const pw = Float64Array.from([3, 3, 3, 3, 3]);
    binaryCrossEntropyWithLogitsBackward(dx, dt, dl, x, t, pw);
    assertValues(dx, [-1.5, 0.5, 2 * (1 - sigmoid2) * -3, sigmoid2, 0.5 - 2 * 0.5], 'dx, pw 3');
    const twoLn2 = 2 * LN2;
    assertValues(
      dt,
      [twoLn2, twoLn2, 2 * (-2 + 2 * softplusMinus2), -2 + 2 * softplusMinus2, twoLn2],
      'dt, pw 3',
    );
  });

  it('skips a null output and writes the other as the all-at-once call does', () => {
    const dl = Float64Array.from([1, -1, 2, 0.5, 3]);
    const pw = Float64Array.from([2, 1, 0.5, 4, 3]);
    const dxAll = new Float64Array(5);
    const dtAll = new Float64Array(5);
    binaryCrossEntropyWithLogitsBackward(dxAll, dtAll, dl, x, t, pw);
    const dx = new Float64Array(5);
    binaryCrossEntropyWithLogitsBackward(dx, null, dl, x, t, pw);
    assert.deepEqual(dx, dxAll);
    const dt = new Float64Array(5);
    binaryCrossEntropyWithLogitsBackward(null, dt, dl, x, t, pw);
    assert.deepEqual(dt, dtAll);
  });

  it('gradient check for logits and targets, with and without posWeight', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        (n, withPosWeight, seed) => {
          const rng = new Rng(seed);
          const xs = randomArray(rng, n, 3);
          const ts = Float64Array.from({ length: n }, () => rng.uniform());
          const pw = withPosWeight
            ? Float64Array.from({ length: n }, () => rng.uniform(0.2, 4))
            : null;
          const dl = randomArray(rng, n);
          const losses = new Float64Array(n);
          const dx = new Float64Array(n);
          const dt = new Float64Array(n);
          binaryCrossEntropyWithLogitsBackward(dx, dt, dl, xs, ts, pw);
          const forward = () => {
            binaryCrossEntropyWithLogitsForward(losses, xs, ts, pw);
            return losses;
          };
          assertVjp('dx', forward, xs, dl, dx);
          assertVjp('dt', forward, ts, dl, dt);
        },
      ),
      seeded,
    );
  });
});
