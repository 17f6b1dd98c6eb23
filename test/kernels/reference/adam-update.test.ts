/** Adam's update kernel by hand: the first step is lr·sign(g); AdamW's decay; AMSGrad's maximum. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adamUpdate, type AdamUpdateOptions } from '../../../src/kernels/reference/adam-update.js';

const BASE: AdamUpdateOptions = {
  lr: 1e-2,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decoupled: false,
  step: 1,
};

function close(actual: Float64Array, expected: number[], what: string, tol = 1e-12): void {
  expected.forEach((e, i) =>
    assert.ok(Math.abs(actual[i] - e) < tol, `${what}[${i}]: got ${actual[i]}, expected ${e}`),
  );
}

describe('adamUpdate reference kernel', () => {
  it('first step: m = (1 - b1) g, v = (1 - b2) g^2, p moves by lr g / (|g| + eps)', () => {
    const g = Float64Array.from([0.5, -2]);
    const p = Float64Array.from([1, 1]);
    const m = new Float64Array(2);
    const v = new Float64Array(2);
    adamUpdate(p, m, v, null, g, BASE);
    close(m, [0.05, -0.2], 'm');
    close(v, [0.001 * 0.25, 0.001 * 4], 'v', 1e-15);
    close(p, [1 - (0.01 * 0.5) / (0.5 + 1e-8), 1 + (0.01 * 2) / (2 + 1e-8)], 'p');
  });

  it('Adam adds weight decay to the gradient; AdamW shrinks the parameter first', () => {
    const zeros = () => new Float64Array(1);
    const adam = Float64Array.from([2]);
    adamUpdate(adam, zeros(), zeros(), null, Float64Array.from([0]), { ...BASE, weightDecay: 0.5 });
    close(adam, [2 - (0.01 * 1) / (1 + 1e-8)], 'Adam: g = 0 + 0.5 * 2');
    const adamw = Float64Array.from([2]);
    const w = { ...BASE, weightDecay: 0.5, decoupled: true };
    adamUpdate(adamw, zeros(), zeros(), null, Float64Array.from([1]), w);
    close(adamw, [2 * (1 - 0.01 * 0.5) - (0.01 * 1) / (1 + 1e-8)], 'AdamW');
  });

  it('AMSGrad divides by the running maximum of v, and keeps it', () => {
    const p = Float64Array.from([0]);
    const m = Float64Array.from([0.1]);
    const v = Float64Array.from([0.01]);
    const vmax = Float64Array.from([1]);
    const options = { ...BASE, beta1: 0.5, beta2: 0.5, step: 2 };
    adamUpdate(p, m, v, vmax, Float64Array.from([0]), options);
    close(m, [0.05], 'm');
    close(v, [0.005], 'v');
    close(vmax, [1], 'vmax');
    close(p, [(-(0.01 / 0.75) * 0.05) / (1 / Math.sqrt(0.75) + 1e-8)], 'p');
  });
});
