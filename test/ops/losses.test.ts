import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClose } from '../../src/check/compare.js';
import { binaryCrossEntropyWithLogits, mseLoss, smoothL1Loss } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('binaryCrossEntropyWithLogits op', () => {
  it('matches -(pw t log s + (1-t) log(1-s)) for moderate logits', () => {
    const x = [0.5, -1.2, 2, 0];
    const t = [1, 0, 0.3, 0.5];
    const logits = Tensor.from(x, [2, 2], 'float64');
    const target = Tensor.from(t, [2, 2], 'float64');
    const naive = x.map(
      (v, i) => -(t[i] * Math.log(sigmoid(v)) + (1 - t[i]) * Math.log(1 - sigmoid(v))),
    );
    const none = binaryCrossEntropyWithLogits(logits, target, { reduction: 'none' });
    assertClose(none.data, naive, { rtol: 1e-14 }, 'none');
    const mean = binaryCrossEntropyWithLogits(logits, target);
    assertClose([mean.item()], [naive.reduce((s, v) => s + v, 0) / 4], { rtol: 1e-14 }, 'mean');
    const pw = [3, 0.5];
    const weighted = binaryCrossEntropyWithLogits(logits, target, {
      posWeight: Tensor.from(pw, [2], 'float64'),
      reduction: 'sum',
    });
    const expected = x.reduce(
      (s, v, i) =>
        s - (pw[i % 2] * t[i] * Math.log(sigmoid(v)) + (1 - t[i]) * Math.log(1 - sigmoid(v))),
      0,
    );
    assertClose([weighted.item()], [expected], { rtol: 1e-14 }, 'posWeight sum');
  });

  it('is stable for logits of +-100', () => {
    const logits = Tensor.from([100, -100, 100, -100], [4], 'float64');
    const target = Tensor.from([0, 1, 1, 0], [4], 'float64');
    const none = binaryCrossEntropyWithLogits(logits, target, { reduction: 'none' });
    assertClose(none.data, [100, 100, Math.exp(-100), Math.exp(-100)], { rtol: 1e-12 }, 'losses');
  });

  it('broadcasts posWeight per channel for (N,C,H,W) detection maps', () => {
    const rng = new Rng(1);
    const x = leaf(rng, [2, 3, 2, 2]);
    const t = Tensor.uniform([2, 3, 2, 2], rng, 0, 1, 'float64').requireGrad();
    const posWeight = Tensor.from([0.5, 2, 4], [3, 1, 1], 'float64');
    const f = () => binaryCrossEntropyWithLogits(x, t, { posWeight });
    checkOpGradients('bceWithLogits posWeight (C,1,1)', f, { x, t }, rng);
  });

  it("gradient check: no posWeight, reductions 'sum' and 'none'", () => {
    const rng = new Rng(2);
    const x = leaf(rng, [3, 4], 3);
    const t = Tensor.uniform([3, 4], rng, 0, 1, 'float64').requireGrad();
    checkOpGradients(
      'bce sum',
      () => binaryCrossEntropyWithLogits(x, t, { reduction: 'sum' }),
      { x, t },
      rng,
    );
    checkOpGradients(
      'bce none',
      () => binaryCrossEntropyWithLogits(x, t, { reduction: 'none' }),
      { x, t },
      rng,
    );
  });

  it('rejects mismatched shapes and bad options', () => {
    const x = Tensor.zeros([2, 3]);
    assert.throws(
      () => binaryCrossEntropyWithLogits(x, Tensor.zeros([3, 2])),
      /binaryCrossEntropyWithLogits: logits \(2,3\) and target \(3,2\) must have the same shape/,
    );
    assert.throws(
      () => binaryCrossEntropyWithLogits(x, x, { posWeight: Tensor.zeros([2]) }),
      /binaryCrossEntropyWithLogits: cannot broadcast \(2\) with \(2,3\)/,
    );
    assert.throws(
      () => binaryCrossEntropyWithLogits(x, x, { posWeight: Tensor.zeros([2, 2, 3]) }),
      /binaryCrossEntropyWithLogits: posWeight \(2,2,3\) does not broadcast to logits \(2,3\)/,
    );
    assert.throws(
      () => binaryCrossEntropyWithLogits(x, x, { reduction: 'avg' as 'mean' }),
      /binaryCrossEntropyWithLogits: reduction must be 'mean', 'sum' or 'none', got 'avg'/,
    );
  });
});

describe('mseLoss op', () => {
  it('averages squared differences', () => {
    const x = Tensor.from([1, 2, 3], [3], 'float64');
    const t = Tensor.from([1, 0, 6], [3], 'float64');
    assert.equal(mseLoss(x, t).item(), 13 / 3);
    assert.equal(mseLoss(x, t, { reduction: 'sum' }).item(), 13);
    assert.deepEqual(mseLoss(x, t, { reduction: 'none' }).toArray(), [0, 4, 9]);
  });

  it('gradient check: input and target', () => {
    const rng = new Rng(3);
    const x = leaf(rng, [2, 3, 2]);
    const t = leaf(rng, [2, 3, 2]);
    checkOpGradients('mseLoss', () => mseLoss(x, t), { x, t }, rng);
  });

  it('rejects mismatched shapes', () => {
    assert.throws(
      () => mseLoss(Tensor.zeros([2, 3]), Tensor.zeros([2, 4])),
      /mseLoss: input \(2,3\) and target \(2,4\) must have the same shape/,
    );
  });
});

describe('smoothL1Loss op', () => {
  it('is quadratic below beta and linear above', () => {
    const x = Tensor.from([0, 0.5, 3, -2], [4], 'float64');
    const t = Tensor.zeros([4], 'float64');
    const none = smoothL1Loss(x, t, { beta: 1, reduction: 'none' });
    assert.deepEqual(none.toArray(), [0, 0.125, 2.5, 1.5]);
    const l1 = smoothL1Loss(x, t, { beta: 0, reduction: 'none' });
    assert.deepEqual(l1.toArray(), [0, 0.5, 3, 2]);
  });

  for (const beta of [1, 0.3, 0]) {
    it(`gradient check: beta ${beta}`, () => {
      const rng = new Rng(10 + beta * 10);
      const x = leaf(rng, [3, 4], 2);
      const t = leaf(rng, [3, 4]);
      // Keep |x - t| away from the kinks at beta (and at 0 for beta = 0).
      for (let i = 0; i < x.size; i++) {
        const d = x.data[i] - t.data[i];
        if (Math.abs(Math.abs(d) - beta) < 0.05) x.data[i] += 0.1;
      }
      checkOpGradients(
        `smoothL1 beta ${beta}`,
        () => smoothL1Loss(x, t, { beta, reduction: 'sum' }),
        { x, t },
        rng,
      );
    });
  }

  it('rejects a negative beta and mismatched shapes', () => {
    const x = Tensor.zeros([2]);
    assert.throws(
      () => smoothL1Loss(x, x, { beta: -1 }),
      /smoothL1Loss: beta must be a finite number >= 0, got -1/,
    );
    assert.throws(
      () => smoothL1Loss(x, Tensor.zeros([3])),
      /smoothL1Loss: input \(2\) and target \(3\) must have the same shape/,
    );
  });
});
