/**
 * Gradient checks through autograd, shared by the op tests. For an op f of some float64 leaf
 * tensors, the loss is L = sum(f(...) * r) for a fixed random r (so dL/dy = r, a generic
 * upstream gradient); backward() fills each leaf's .grad, which must match central differences
 * of L (src/check/gradient-check.ts).
 */
import assert from 'node:assert/strict';
import { noGrad } from '../../src/autograd.js';
import { assertGradient, type GradientCheckOptions } from '../../src/check/gradient-check.js';
import { mul, sum } from '../../src/ops/index.js';
import type { Rng } from '../../src/rng.js';
import { Tensor, type Shape } from '../../src/tensor.js';
import { dot } from '../helpers.js';

/** A float64 leaf of normal deviates that requires grad. */
export function leaf(rng: Rng, shape: Shape, std = 1): Tensor {
  return Tensor.randn(shape, rng, std, 'float64').requireGrad();
}

/**
 * Checks the .grad of every named input of f against central differences of sum(f() * r).
 * f must read the inputs' current data on every call.
 */
export function checkOpGradients(
  name: string,
  f: () => Tensor,
  inputs: Readonly<Record<string, Tensor>>,
  rng: Rng,
  options: GradientCheckOptions = {},
): void {
  const r = Tensor.randn(noGrad(f).shape, rng, 1, 'float64');
  for (const t of Object.values(inputs)) t.zeroGrad();
  sum(mul(f(), r)).backward();
  const loss = (): number => noGrad(() => dot(f().data, r.data));
  for (const [label, t] of Object.entries(inputs)) {
    assert.ok(t.data instanceof Float64Array, `${name}: ${label} must be float64`);
    assert.ok(t.grad !== null, `${name}: ${label} received no gradient`);
    assertGradient(`${name} d${label}`, loss, t.data, t.grad.data, options);
  }
}
