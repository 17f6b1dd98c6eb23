import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diceLoss, segmentationLoss } from '../../../src/apps/segmentation/dice-loss.js';
import { noGrad } from '../../../src/autograd.js';
import { assertGradient } from '../../../src/check/gradient-check.js';
import { crossEntropy } from '../../../src/ops/index.js';
import { Rng } from '../../../src/rng.js';
import { Tensor } from '../../../src/tensor.js';

/** The loss written out with plain loops, from the formula. */
function naiveDice(
  z: ArrayLike<number>,
  [N, K, H, W]: number[],
  labels: number[],
  smooth: number,
  ignore = 255,
): number {
  const inter = new Float64Array(K);
  const total = new Float64Array(K);
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < H * W; p++) {
      const y = labels[n * H * W + p];
      if (y === ignore) continue;
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, z[(n * K + k) * H * W + p]);
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(z[(n * K + k) * H * W + p] - max);
      for (let k = 0; k < K; k++) {
        const prob = Math.exp(z[(n * K + k) * H * W + p] - max) / s;
        total[k] += prob + (k === y ? 1 : 0);
        if (k === y) inter[k] += prob;
      }
    }
  }
  let dice = 0;
  for (let k = 0; k < K; k++) dice += (2 * inter[k] + smooth) / (total[k] + smooth);
  return 1 - dice / K;
}

describe('diceLoss', () => {
  it('is 1 - mean_k (2 I_k + s) / (S_k + s), ignored pixels left out', () => {
    const rng = new Rng(1);
    const shape = [2, 3, 2, 3];
    const logits = Tensor.randn(shape, rng, 1.5, 'float64');
    const labels = [0, 1, 2, 255, 1, 0, 2, 2, 255, 0, 1, 1];
    for (const smooth of [1, 0.1]) {
      const got = diceLoss(logits, Int32Array.from(labels), { smooth }).item();
      assert.ok(
        Math.abs(got - naiveDice(logits.data, shape, labels, smooth)) < 1e-14,
        `smooth ${smooth}`,
      );
    }
    // By hand: one pixel, two classes, logits equal (p = 1/2 each), label 0, smooth 0:
    // dice_0 = 2 * 0.5 / (0.5 + 1) = 2/3, dice_1 = 0 / 0.5 = 0, loss = 1 - 1/3.
    const one = diceLoss(Tensor.from([0, 0], [1, 2, 1, 1], 'float64'), Int32Array.from([0]), {
      smooth: 0,
    });
    assert.ok(Math.abs(one.item() - 2 / 3) < 1e-15);
    // A confident, correct prediction has loss near 0.
    const sure = diceLoss(
      Tensor.from([20, -20, -20, 20], [1, 2, 1, 2], 'float64'),
      Int32Array.from([0, 1]),
    );
    assert.ok(sure.item() < 1e-8);
  });

  it('has the gradient of central differences (float64)', () => {
    const rng = new Rng(2);
    const logits = Tensor.randn([2, 4, 3, 2], rng, 1, 'float64').requireGrad();
    const labels = Int32Array.from({ length: 12 }, (_, i) => (i === 5 ? 255 : (i * 7) % 4));
    diceLoss(logits, labels).backward();
    assert.ok(logits.grad !== null);
    assertGradient(
      'diceLoss dlogits',
      () => noGrad(() => diceLoss(logits, labels).item()),
      logits.data as Float64Array,
      logits.grad.data,
    );
    const x = Tensor.randn([1, 3, 2, 2], rng, 1, 'float64').requireGrad();
    const y = Int32Array.from([0, 2, 1, 2]);
    segmentationLoss(x, y, { loss: 'ce+dice' }).backward();
    assert.ok(x.grad !== null);
    assertGradient(
      'ce+dice dlogits',
      () => noGrad(() => segmentationLoss(x, y, { loss: 'ce+dice' }).item()),
      x.data as Float64Array,
      x.grad.data,
    );
  });

  it('combines with cross-entropy and refuses labels out of range', () => {
    const rng = new Rng(3);
    const logits = Tensor.randn([1, 3, 2, 2], rng, 1, 'float64');
    const labels = Int32Array.from([0, 1, 255, 2]);
    const ce = crossEntropy(logits, labels, { ignoreIndex: 255 }).item();
    const dice = diceLoss(logits, labels).item();
    assert.equal(segmentationLoss(logits, labels).item(), ce);
    assert.equal(segmentationLoss(logits, labels, { loss: 'dice' }).item(), dice);
    assert.ok(
      Math.abs(segmentationLoss(logits, labels, { loss: 'ce+dice' }).item() - (ce + dice)) < 1e-14,
    );
    assert.throws(
      () => diceLoss(logits, Int32Array.from([0, 1, 3, 2])),
      /label 3 at image 0, pixel 2 is outside \[0, 3\)/,
    );
    assert.throws(() => diceLoss(logits, Int32Array.from([0, 1])), /need 4 labels, got 2/);
  });
});
