import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Conv2d,
  ConvTranspose2d,
  Linear,
  calculateGain,
  computeFans,
  getDefaultRng,
  init,
  manualSeed,
} from '../../src/nn/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const values = t.toArray();
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { mean, std: Math.sqrt(variance), min, max };
}

/** Within a relative tolerance (for statistics of many samples). */
function near(actual: number, expected: number, rtol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= rtol * Math.abs(expected),
    `${what}: ${actual} is not within ${rtol * 100}% of ${expected}`,
  );
}

describe('init', () => {
  it('fans of linear and conv weights', () => {
    assert.deepEqual(computeFans([10, 20]), { fanIn: 20, fanOut: 10 });
    assert.deepEqual(computeFans([32, 16, 3, 5]), { fanIn: 16 * 15, fanOut: 32 * 15 });
    assert.throws(() => computeFans([5]), /at least 2 dimensions, got shape \(5\)/);
  });

  it('gains as PyTorch calculate_gain', () => {
    assert.equal(calculateGain('linear'), 1);
    assert.equal(calculateGain('conv2d'), 1);
    assert.equal(calculateGain('sigmoid'), 1);
    assert.equal(calculateGain('tanh'), 5 / 3);
    assert.equal(calculateGain('relu'), Math.SQRT2);
    assert.equal(calculateGain('leakyRelu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
    assert.equal(calculateGain('leakyRelu', Math.sqrt(5)), Math.sqrt(1 / 3));
  });

  it('kaiming uniform and normal: bound gain*sqrt(3/fan), std gain/sqrt(fan)', () => {
    const rng = new Rng(1);
    const u = init.kaimingUniform(Tensor.zeros([256, 64, 3, 3], 'float64'), {
      nonlinearity: 'relu',
      rng,
    });
    const bound = Math.SQRT2 * Math.sqrt(3 / (64 * 9));
    const su = stats(u);
    assert.ok(su.min >= -bound && su.max < bound);
    near(su.max, bound, 0.01, 'max');
    near(su.std, bound / Math.sqrt(3), 0.01, 'uniform std');

    const n = init.kaimingNormal(Tensor.zeros([256, 64, 3, 3], 'float64'), {
      nonlinearity: 'relu',
      mode: 'fanOut',
      rng,
    });
    near(stats(n).std, Math.SQRT2 / Math.sqrt(256 * 9), 0.01, 'normal std (fan out)');
    assert.ok(Math.abs(stats(n).mean) < 0.001);

    const leaky = init.kaimingNormal(Tensor.zeros([512, 512], 'float64'), { a: 0.2, rng });
    near(stats(leaky).std, Math.sqrt(2 / 1.04) / Math.sqrt(512), 0.01, 'leaky relu std');
  });

  it('xavier uniform and normal: bound gain*sqrt(6/(fanIn+fanOut))', () => {
    const rng = new Rng(2);
    const u = init.xavierUniform(Tensor.zeros([300, 500], 'float64'), { rng });
    const bound = Math.sqrt(6 / 800);
    const su = stats(u);
    assert.ok(su.min >= -bound && su.max < bound);
    near(su.std, bound / Math.sqrt(3), 0.01, 'xavier uniform std');
    const n = init.xavierNormal(Tensor.zeros([300, 500], 'float64'), { gain: 5 / 3, rng });
    near(stats(n).std, (5 / 3) * Math.sqrt(2 / 800), 0.01, 'xavier normal std');
  });

  it('uniform, normal, zeros, ones, constant; an empty tensor is left alone', () => {
    const t = Tensor.zeros([3]);
    assert.deepEqual(init.constant(t, 2).toArray(), [2, 2, 2]);
    assert.deepEqual(init.zeros(t).toArray(), [0, 0, 0]);
    assert.deepEqual(init.ones(t).toArray(), [1, 1, 1]);
    const u = init.uniform(Tensor.zeros([1000], 'float64'), -2, -1, { rng: new Rng(3) });
    assert.ok(u.toArray().every((v) => v >= -2 && v < -1));
    near(
      stats(init.normal(Tensor.zeros([20000], 'float64'), 3, 2, { rng: new Rng(4) })).std,
      2,
      0.02,
      'std',
    );
    assert.equal(init.kaimingUniform(Tensor.zeros([0, 3])).size, 0);
    assert.throws(() => init.uniform(t, 1, 0), /uniform: low 1 must not exceed high 0/);
    assert.throws(() => init.normal(t, 0, -1), /normal: std must be non-negative, got -1/);
  });

  it('default layer init is PyTorch: weight and bias in U(-1/sqrt(fanIn), 1/sqrt(fanIn))', () => {
    const rng = new Rng(5);
    const layers: [Tensor, Tensor | null, number][] = [];
    const conv = new Conv2d(16, 32, 3, { rng, dtype: 'float64' });
    layers.push([conv.weight, conv.bias, 16 * 9]);
    const fc = new Linear(400, 120, { rng, dtype: 'float64' });
    layers.push([fc.weight, fc.bias, 400]);
    const up = new ConvTranspose2d(8, 12, 2, { groups: 2, rng, dtype: 'float64' });
    layers.push([up.weight, up.bias, 6 * 4]); // fanIn from the (C, F/groups, KH, KW) weight
    for (const [weight, bias, fanIn] of layers) {
      const bound = 1 / Math.sqrt(fanIn);
      const sw = stats(weight);
      assert.ok(sw.min >= -bound && sw.max < bound);
      near(sw.std, bound / Math.sqrt(3), 0.06, `weight std, fanIn ${fanIn}`);
      assert.ok(bias !== null);
      const sb = stats(bias);
      assert.ok(sb.min >= -bound && sb.max < bound);
    }
  });

  it('same seed, same weights; a different seed, different weights', () => {
    const a = new Conv2d(3, 8, 3, { rng: new Rng(7) });
    const b = new Conv2d(3, 8, 3, { rng: new Rng(7) });
    const c = new Conv2d(3, 8, 3, { rng: new Rng(8) });
    assert.deepEqual(a.weight.data, b.weight.data);
    assert.deepEqual(a.bias?.data, b.bias?.data);
    assert.notDeepEqual(a.weight.data, c.weight.data);
  });

  it('without an rng, layers draw from the default Rng, which manualSeed reseeds', () => {
    manualSeed(3);
    const first = getDefaultRng();
    const a = new Linear(4, 4);
    manualSeed(3);
    assert.notEqual(getDefaultRng(), first);
    const b = new Linear(4, 4);
    assert.deepEqual(a.weight.data, b.weight.data);
    const c = new Linear(4, 4);
    assert.notDeepEqual(b.weight.data, c.weight.data);
    manualSeed(0);
  });
});
