import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGradient } from '../../../src/check/gradient-check.js';
import {
  crossEntropyBackward,
  crossEntropyForward,
  type Labels,
} from '../../../src/kernels/reference/cross-entropy.js';
import { Rng } from '../../../src/rng.js';
import {
  crossEntropyGeometry,
  type CrossEntropyGeometry,
} from '../../../src/shape/cross-entropy.js';
import { randomArray } from '../../helpers.js';

/** (N,K) logits: the geometry of one label per row. */
function classificationGeometry(shape: [number, number], N: number): CrossEntropyGeometry {
  return crossEntropyGeometry(shape, N);
}

/** The mean over the batch of the per-row losses, as PyTorch's default reduction. */
function meanLoss(logits: Float64Array, labels: Labels, g: CrossEntropyGeometry): number {
  const losses = new Float64Array(g.N);
  const count = crossEntropyForward(losses, logits, labels, null, -100, g);
  return losses.reduce((a, b) => a + b, 0) / count;
}

/** The gradient of dloss * meanLoss: each row's loss gets dloss / N. */
function meanLossBackward(
  dlogits: Float64Array,
  logits: Float64Array,
  labels: Labels,
  g: CrossEntropyGeometry,
  dloss = 1,
): void {
  const dlosses = new Float64Array(g.N).fill(dloss / g.N);
  crossEntropyBackward(dlogits, dlosses, logits, labels, null, -100, g);
}

describe('cross-entropy reference kernel on (N,K) logits, mean over the batch', () => {
  it('is log K for uniform logits', () => {
    const g = classificationGeometry([2, 10], 2);
    const loss = meanLoss(new Float64Array(20).fill(3), [0, 7], g);
    assert.ok(Math.abs(loss - Math.log(10)) < 1e-15);
  });

  for (const [N, K, scale] of [
    [1, 3, 1],
    [4, 10, 1],
    [5, 7, 3],
  ]) {
    it(`gradient check: N=${N} K=${K} logits scale ${scale}`, () => {
      const rng = new Rng(N * K);
      const g = classificationGeometry([N, K], N);
      const logits = randomArray(rng, N * K, scale);
      const labels = Int32Array.from({ length: N }, () => rng.int(K));
      const dlogits = new Float64Array(N * K);
      meanLossBackward(dlogits, logits, labels, g);
      assertGradient('dlogits', () => meanLoss(logits, labels, g), logits, dlogits);
    });
  }

  it('stays finite and exact for logits of +-1e4', () => {
    const g = classificationGeometry([2, 3], 2);
    const logits = Float64Array.from([1e4, -1e4, 0, -1e4, 1e4, 1e4]);
    const labels = [1, 0];
    // Row 0: logsumexp = 1e4, loss = 1e4 - (-1e4) = 2e4. Row 1: logsumexp = 1e4 + log 2, loss = 2e4 + log 2.
    const loss = meanLoss(logits, labels, g);
    assert.ok(Math.abs(loss - (2e4 + 2e4 + Math.log(2)) / 2) < 1e-9);
    const dlogits = new Float64Array(6);
    meanLossBackward(dlogits, logits, labels, g);
    const expected = [1 / 2, -1 / 2, 0, -1 / 2, 1 / 4, 1 / 4];
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(dlogits[i] - expected[i]) < 1e-12, `index ${i}`);
    assert.ok(dlogits.every(Number.isFinite));
  });

  it('gradient check at large magnitude (logits around 1e4, differences of order 1)', () => {
    const rng = new Rng(99);
    const g = classificationGeometry([3, 4], 3);
    const logits = Float64Array.from(
      { length: 12 },
      (_, i) => (i % 2 === 0 ? 1e4 : -1e4) + rng.normal(),
    );
    const labels = [0, 3, 2];
    const dlogits = new Float64Array(12);
    meanLossBackward(dlogits, logits, labels, g);
    // eps 1e-4: at |z| = 1e4, float64 rounding of z +- eps is about 2e-12, small against eps.
    assertGradient('dlogits', () => meanLoss(logits, labels, g), logits, dlogits, {
      eps: 1e-4,
      rtol: 1e-4,
      atol: 1e-6,
    });
  });

  it('scales the gradient by dloss', () => {
    const g = classificationGeometry([1, 2], 1);
    const logits = Float64Array.from([0, 0]);
    const d = new Float64Array(2);
    meanLossBackward(d, logits, [0], g, 4);
    assert.deepEqual(Array.from(d), [-2, 2]);
  });

  it('rejects a label outside [0, K), naming the position', () => {
    const g = classificationGeometry([2, 3], 2);
    assert.throws(
      () => meanLoss(new Float64Array(6), [0, 3], g),
      /label 3 at position 1 is neither a class index in \[0, 3\)/,
    );
    assert.throws(() => meanLoss(new Float64Array(6), [0.5, 1], g), /label 0.5 at position 0/);
  });
});
