import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gelu, leakyRelu, relu, sigmoid, silu, tanh } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

/** A float64 leaf whose entries are at least 0.05 away from 0 (the kink of ReLUs). */
function awayFromKink(rng: Rng, shape: number[]): Tensor {
  const t = leaf(rng, shape);
  for (let i = 0; i < t.size; i++) t.data[i] += t.data[i] >= 0 ? 0.05 : -0.05;
  return t;
}

describe('activation ops', () => {
  it('compute their values', () => {
    const x = Tensor.from([-2, 0, 3], [3], 'float64');
    assert.deepEqual(relu(x).toArray(), [0, 0, 3]);
    assert.deepEqual(leakyRelu(x).toArray(), [-0.02, 0, 3]);
    assert.deepEqual(leakyRelu(x, 0.2).toArray(), [-0.4, 0, 3]);
    assert.deepEqual(sigmoid(Tensor.from([0], [1], 'float64')).toArray(), [0.5]);
    assert.equal(tanh(x).get(2), Math.tanh(3));
  });

  it('gelu and silu compute their values', () => {
    const x = Tensor.from([-1, 0, 1], [3], 'float64');
    // Phi(1) = 0.841344746068542948585232545632..., sigmoid(1) = 0.731058578630004879251159...
    const phi1 = 0.8413447460685429;
    const s1 = 0.7310585786300049;
    const g = gelu(x).toArray();
    assert.ok(Math.abs(g[0] - -(1 - phi1)) < 1e-15 && g[1] === 0 && Math.abs(g[2] - phi1) < 1e-15);
    const s = silu(x).toArray();
    assert.ok(Math.abs(s[0] - -(1 - s1)) < 1e-15 && s[1] === 0 && Math.abs(s[2] - s1) < 1e-15);
  });

  it('gelu and silu have no overflow at +-1000', () => {
    const x = Tensor.from([-1000, 1000], [2], 'float64');
    assert.deepEqual(gelu(x).toArray(), [-0, 1000]);
    assert.deepEqual(silu(x).toArray(), [-0, 1000]);
  });

  it('sigmoid saturates without overflow at +-1000', () => {
    const y = sigmoid(Tensor.from([-1000, 1000], [2], 'float64'));
    assert.deepEqual(y.toArray(), [0, 1]);
  });

  const ops = {
    relu,
    leakyRelu: (x: Tensor) => leakyRelu(x, 0.1),
    sigmoid,
    tanh,
    gelu,
    silu,
  };
  for (const [name, op] of Object.entries(ops)) {
    it(`${name} gradient check on (2,3,4,5)`, () => {
      const rng = new Rng(name.length);
      const x = awayFromKink(rng, [2, 3, 4, 5]);
      checkOpGradients(name, () => op(x), { x }, rng);
    });
  }

  it('keep the input dtype', () => {
    const x = Tensor.from([1, -1], [2]);
    for (const op of Object.values(ops)) assert.equal(op(x).dtype, 'float32');
  });

  it('leakyRelu rejects a slope that is not a number', () => {
    assert.throws(
      () => leakyRelu(Tensor.zeros([1]), Number.NaN),
      /leakyRelu: negativeSlope must be a finite number, got NaN/,
    );
  });
});
