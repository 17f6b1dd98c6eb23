/** Adam and AdamW: validation, the first step by hand, and how weight decay differs between them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { Adam } from '../../src/optim/adam.js';
import { AdamW } from '../../src/optim/adamw.js';
import { Tensor } from '../../src/tensor.js';

function param(values: number[]): Tensor {
  return Tensor.from(values, [values.length], 'float64');
}

describe('Adam and AdamW: validation', () => {
  const p = param([1]);
  for (const [name, Make] of [
    ['Adam', Adam],
    ['AdamW', AdamW],
  ] as const) {
    it(`${name} rejects bad hyper-parameters with messages that name them`, () => {
      assert.throws(
        () => new Make([p], { betas: [1.2, 0.999] }),
        new RangeError(`${name}: beta1 must be in [0, 1), got 1.2`),
      );
      assert.throws(
        () => new Make([p], { betas: [0.9, 1] }),
        new RangeError(`${name}: beta2 must be in [0, 1), got 1`),
      );
      assert.throws(
        () => new Make([p], { lr: -1e-3 }),
        new RangeError(`${name}: lr must be >= 0, got -0.001`),
      );
      assert.throws(
        () => new Make([p], { eps: -1 }),
        new RangeError(`${name}: eps must be >= 0, got -1`),
      );
      assert.throws(
        () => new Make([p], { weightDecay: -0.1 }),
        new RangeError(`${name}: weightDecay must be >= 0, got -0.1`),
      );
      const betas = JSON.parse('[0.9]');
      assert.throws(
        () => new Make([p], { betas }),
        new RangeError(`${name}: betas must be a pair [beta1, beta2], got an array of length 1`),
      );
    });
  }

  it('have PyTorch defaults (AdamW: weight decay 1e-2)', () => {
    const expected = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false };
    assert.deepEqual(new Adam([p]).defaults, expected);
    assert.deepEqual(new AdamW([p]).defaults, { ...expected, weightDecay: 1e-2 });
  });
});

describe('Adam: the update by hand', () => {
  it('first step: bias correction makes it lr * g / (|g| + eps)', () => {
    const p = param([1, 1, 1]);
    const opt = new Adam([p], { lr: 0.1, eps: 1e-3 });
    p.grad = param([2, -0.5, 0]);
    opt.step();
    const expected = [2, -0.5, 0].map((g) => 1 - (0.1 * g) / (Math.abs(g) + 1e-3));
    Array.from(p.data).forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-15, `${i}`));
  });

  it('amsgrad keeps the running maximum of v, and only with amsgrad', () => {
    const p = param([0]);
    const opt = new Adam([p], { lr: 0.1, amsgrad: true });
    p.grad = param([3]);
    opt.step();
    p.grad = param([0]);
    opt.step();
    const s = opt.stateDict().state[0];
    assert.ok(s !== null);
    const v = JSON.parse(JSON.stringify(s));
    assert.ok(v.maxExpAvgSq.data[0] > v.expAvgSq.data[0]);
    const plain = new Adam([param([0])]);
    const q = plain.parameters()[0];
    q.grad = param([1]);
    plain.step();
    assert.equal(plain.stateDict().state[0]?.maxExpAvgSq, null);
  });

  it('exposes beta1 as the momentum a schedule may cycle', () => {
    const opt = new Adam([param([0])]);
    assert.equal(opt.getMomentum(0), 0.9);
    opt.setMomentum(0, 0.85);
    assert.deepEqual(opt.paramGroups[0].betas, [0.85, 0.999]);
  });
});

describe('weight decay: Adam adds it to the gradient, AdamW decouples it', () => {
  it('with a zero gradient, AdamW only shrinks p by lr*wd; Adam moves p by about lr', () => {
    const a = param([2, -4]);
    const w = param([2, -4]);
    const adam = new Adam([a], { lr: 0.1, weightDecay: 0.5 });
    const adamw = new AdamW([w], { lr: 0.1, weightDecay: 0.5 });
    a.grad = param([0, 0]);
    w.grad = param([0, 0]);
    adam.step();
    adamw.step();
    assert.deepEqual(Array.from(w.data), [2 * (1 - 0.1 * 0.5), -4 * (1 - 0.1 * 0.5)]);
    // Adam: g = wd * p, and its first step is lr * g / (|g| + eps) ≈ lr * sign(p).
    Array.from(a.data).forEach((x, i) => {
      const p0 = [2, -4][i];
      const g = 0.5 * p0;
      assert.ok(Math.abs(x - (p0 - (0.1 * g) / (Math.abs(g) + 1e-8))) < 1e-15);
    });
  });
});
