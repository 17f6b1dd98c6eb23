/**
 * The per-position form of the cross-entropy kernel: (N,K,H,W) logits with (N,H,W) labels,
 * class weights, an ignored label, and the total weight the forward returns. The (N,K) mean
 * case is in cross-entropy-classification.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  crossEntropyBackward,
  crossEntropyForward,
} from '../../../src/kernels/reference/cross-entropy.js';
import { Rng } from '../../../src/rng.js';
import { crossEntropyGeometry } from '../../../src/shape/cross-entropy.js';
import { randomArray } from '../../helpers.js';
import { assertValues, assertVjp, seeded } from './check.js';

const softmax123 = [0.0900305731703805, 0.2447284710547977, 0.6652409557748219];
const lse123 = 3.40760596444438; // logsumexp([1,2,3])

// logits:(1,3,1,2), laid out [n,k,s]: position 0 sees z = [1,2,3], position 1 sees z = [0,0,0].
const g = crossEntropyGeometry([1, 3, 1, 2], 2, 3);
const logits = Float64Array.from([1, 0, 2, 0, 3, 0]);
const weight = Float64Array.from([0.5, 1, 2]);

describe('cross-entropy reference kernel, per position', () => {
  it('losses = logsumexp(z) - z[y] per position; returns the count without weights', () => {
    const losses = new Float64Array(2).fill(NaN);
    const total = crossEntropyForward(losses, logits, [2, 0], null, -100, g);
    assertValues(losses, [lse123 - 3, Math.log(3)]);
    assert.equal(total, 2);
  });

  it('weighs each position by weight[y] and returns the sum of those weights', () => {
    const losses = new Float64Array(2);
    const total = crossEntropyForward(losses, logits, [2, 0], weight, -100, g);
    assertValues(losses, [2 * (lse123 - 3), 0.5 * Math.log(3)]);
    assert.equal(total, 2.5);
  });

  it('an ignored position has loss 0, no weight and zero gradient, whatever its logits', () => {
    for (const ignoreIndex of [-100, 255, 1]) {
      const losses = new Float64Array(2).fill(NaN);
      const total = crossEntropyForward(losses, logits, [2, ignoreIndex], weight, ignoreIndex, g);
      assertValues(losses, [2 * (lse123 - 3), 0]);
      assert.equal(total, 2);
      const dlogits = new Float64Array(6).fill(NaN);
      crossEntropyBackward(
        dlogits,
        Float64Array.from([1, 1]),
        logits,
        [2, ignoreIndex],
        weight,
        ignoreIndex,
        g,
      );
      // Position 0: 2 * (softmax - onehot(2)); position 1 (odd indices): 0.
      assertValues(
        dlogits,
        [2 * softmax123[0], 0, 2 * softmax123[1], 0, 2 * (softmax123[2] - 1), 0],
        'dlogits',
      );
    }
    const losses = new Float64Array(2);
    assert.equal(crossEntropyForward(losses, logits, [-100, -100], null, -100, g), 0);
    assert.deepEqual(Array.from(losses), [0, 0]);
  });

  it('dlogits = dlosses * weight[y] * (softmax(z) - onehot(y)) per position', () => {
    const dlogits = new Float64Array(6).fill(NaN);
    crossEntropyBackward(dlogits, Float64Array.from([1, 2]), logits, [2, 0], null, -100, g);
    const third = 1 / 3;
    const expected = [
      softmax123[0],
      2 * (third - 1),
      softmax123[1],
      2 * third,
      softmax123[2] - 1,
      2 * third,
    ];
    assertValues(dlogits, expected, 'dlogits');
    crossEntropyBackward(dlogits, Float64Array.from([1, 2]), logits, [2, 0], weight, -100, g);
    assertValues(
      dlogits,
      expected.map((v, i) => v * (i % 2 === 0 ? 2 : 0.5)),
      'weighted dlogits',
    );
  });

  it('is stable for logits of 1e4 at every position', () => {
    const big = Float64Array.from([1e4, -1e4, -1e4, 1e4, 0, 1e4]);
    const losses = new Float64Array(2);
    crossEntropyForward(losses, big, [0, 1], null, -100, g);
    // Position 0: z = [1e4,-1e4,0], loss 0. Position 1: z = [-1e4,1e4,1e4], loss log 2.
    assertValues(losses, [0, Math.LN2]);
    const dlogits = new Float64Array(6);
    crossEntropyBackward(dlogits, Float64Array.from([1, 1]), big, [0, 1], null, -100, g);
    assertValues(dlogits, [0, 0, 0, -0.5, 0, 0.5], 'dlogits');
  });

  it('rejects a label outside [0, K) that is not the ignore index, naming the position', () => {
    const losses = new Float64Array(2);
    assert.throws(
      () => crossEntropyForward(losses, logits, [0, 3], null, -100, g),
      /label 3 at position 1 is neither a class index in \[0, 3\) nor the ignore index -100/,
    );
    const dlogits = new Float64Array(6);
    assert.throws(
      () =>
        crossEntropyBackward(dlogits, Float64Array.from([1, 1]), logits, [-1, 0], null, -100, g),
      /label -1 at position 0/,
    );
  });

  it('gradient check on random (N,K,H,W), class weights and ignored positions', () => {
    const shapes = fc.tuple(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
    );
    fc.assert(
      fc.property(
        shapes,
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        ([N, K, H, W], weighted, seed) => {
          const rng = new Rng(seed);
          const ge = crossEntropyGeometry([N, K, H, W], N * H * W, K);
          const positions = N * H * W;
          const z = randomArray(rng, N * K * H * W, 2);
          const labels = Int32Array.from({ length: positions }, () =>
            rng.uniform() < 0.25 ? -100 : rng.int(K),
          );
          const w = weighted ? Float64Array.from({ length: K }, () => rng.uniform(0.1, 3)) : null;
          const dlosses = randomArray(rng, positions);
          const losses = new Float64Array(positions);
          const total = crossEntropyForward(losses, z, labels, w, -100, ge);
          let expectedTotal = 0;
          for (const label of labels)
            if (label !== -100) expectedTotal += w === null ? 1 : w[label];
          assert.ok(Math.abs(total - expectedTotal) < 1e-12);
          const dz = new Float64Array(z.length);
          crossEntropyBackward(dz, dlosses, z, labels, w, -100, ge);
          const forward = () => {
            crossEntropyForward(losses, z, labels, w, -100, ge);
            return losses;
          };
          assertVjp('dlogits', forward, z, dlosses, dz);
        },
      ),
      seeded,
    );
  });
});
