/** SGD: hyper-parameter validation and the update rule by hand (PyTorch's fixtures are in torch-golden). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { SGD } from '../../src/optim/sgd.js';
import { Tensor } from '../../src/tensor.js';

function param(values: number[]): Tensor {
  return Tensor.from(values, [values.length], 'float64');
}

function stepWith(opt: SGD, p: Tensor, grad: number[]): number[] {
  p.grad = param(grad);
  opt.step();
  return Array.from(p.data);
}

describe('SGD: validation', () => {
  const p = param([1]);
  const cases: [string, () => SGD, RegExp][] = [
    [
      'negative lr',
      () => new SGD([p], { lr: -0.1 }),
      /^RangeError: SGD: lr must be >= 0, got -0.1$/,
    ],
    ['NaN lr', () => new SGD([p], { lr: NaN }), /^RangeError: SGD: lr must be finite, got NaN$/],
    [
      'negative momentum',
      () => new SGD([p], { momentum: -0.5 }),
      /SGD: momentum must be >= 0, got -0.5/,
    ],
    [
      'negative weight decay',
      () => new SGD([p], { weightDecay: -1 }),
      /SGD: weightDecay must be >= 0, got -1/,
    ],
    [
      'nesterov without momentum',
      () => new SGD([p], { lr: 0.1, nesterov: true }),
      /SGD: nesterov requires momentum > 0 and dampening = 0, got momentum 0 and dampening 0/,
    ],
    [
      'nesterov with dampening',
      () => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
      /SGD: nesterov requires momentum > 0 and dampening = 0/,
    ],
    [
      'a bad value in a group, naming the group',
      () => new SGD([{ params: [p], lr: -2 }], { lr: 0.1 }),
      /SGD: param group 0: lr must be >= 0, got -2/,
    ],
  ];
  for (const [name, make, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(make, (e: unknown) => e instanceof RangeError && message.test(String(e)));
    });
  }

  it('has PyTorch 2 defaults', () => {
    const opt = new SGD([p]);
    assert.deepEqual(opt.defaults, {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
    });
  });
});

describe('SGD: the update by hand', () => {
  it('plain: p -= lr * (g + wd * p)', () => {
    const p = param([1, -2]);
    const opt = new SGD([p], { lr: 0.5, weightDecay: 0.25 });
    assert.deepEqual(stepWith(opt, p, [4, 8]), [1 - 0.5 * (4 + 0.25), -2 - 0.5 * (8 - 0.5)]);
  });

  it('momentum: the first buffer is the gradient itself (no dampening), then b = mu*b + (1-tau)*g', () => {
    const p = param([0]);
    const opt = new SGD([p], { lr: 1, momentum: 0.5, dampening: 0.25 });
    assert.deepEqual(stepWith(opt, p, [8]), [-8]);
    // b = 0.5 * 8 + 0.75 * 4 = 7
    assert.deepEqual(stepWith(opt, p, [4]), [-15]);
  });

  it('nesterov: step along g + mu*b', () => {
    const p = param([0]);
    const opt = new SGD([p], { lr: 1, momentum: 0.5, nesterov: true });
    // b = 2; d = 2 + 0.5 * 2 = 3
    assert.deepEqual(stepWith(opt, p, [2]), [-3]);
    // b = 0.5 * 2 + 4 = 5; d = 4 + 2.5 = 6.5
    assert.deepEqual(stepWith(opt, p, [4]), [-9.5]);
  });

  it('a skipped step leaves the momentum buffer untouched', () => {
    const p = param([0]);
    const q = param([0]);
    const opt = new SGD([p, q], { lr: 1, momentum: 0.5 });
    p.grad = param([2]);
    q.grad = null;
    opt.step();
    q.grad = param([2]);
    opt.step();
    assert.deepEqual(Array.from(q.data), [-2], "q's first update: its buffer is its first grad");
    assert.deepEqual(Array.from(p.data), [-5]);
  });

  it('exposes momentum to schedules', () => {
    const opt = new SGD([param([0])], { momentum: 0.9 });
    assert.equal(opt.getMomentum(0), 0.9);
    opt.setMomentum(0, 0.8);
    assert.equal(opt.paramGroups[0].momentum, 0.8);
    assert.throws(() => opt.getMomentum(1), /SGD: no param group 1 \(there are 1\)/);
  });
});
