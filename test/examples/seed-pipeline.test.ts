import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeedPipeline } from '../../examples/seed-pipeline.js';
import { assertGradient } from '../../src/check/gradient-check.js';
import { loadMnistDigits } from '../../src/data/load-mnist-digits.js';
import { gatherBatch } from '../../src/data/mnist-digits.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';

describe('the seed pipeline example', () => {
  it('gradient check of every parameter through the whole pipeline, in float64', () => {
    const net = new SeedPipeline({
      input: [2, 6, 5],
      conv1Filters: 3,
      conv2Filters: 4,
      classes: 5,
      dtype: 'float64',
      seed: 3,
    });
    const rng = new Rng(4);
    // Biases start at zero; perturb them so the check is not at a special point.
    for (const b of [net.params.b1, net.params.b2, net.params.b3]) {
      for (let i = 0; i < b.size; i++) b.data[i] = rng.normal(0, 0.1);
    }
    const x = Tensor.randn([3, 2, 6, 5], rng, 1, 'float64');
    const labels = Int32Array.from([0, 4, 2]);
    net.forward(x, labels);
    net.backward();
    for (const name of ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'] as const) {
      assertGradient(
        name,
        () => net.forward(x, labels),
        net.params[name].data as Float64Array,
        net.grads[name].data,
        // ReLU and max pool have kinks; a smaller step keeps the differences off them.
        { eps: 1e-7, rtol: 1e-5, atol: 1e-8 },
      );
    }
  });

  it('reports each stage output shape from the shape module', () => {
    const net = new SeedPipeline({
      input: [1, 28, 28],
      conv1Filters: 32,
      conv2Filters: 64,
      classes: 10,
      dtype: 'float32',
      seed: 1,
    });
    const lines = net.describe([64, 1, 28, 28]);
    assert.match(lines[1], /conv 3x3 pad 1, 1->32 +\(64,32,28,28\)/);
    assert.match(lines[5], /max pool 2x2 stride 2 +\(64,64,14,14\)/);
    assert.match(lines[6], /flatten +\(64,12544\)/);
    assert.throws(
      () => net.describe([64, 3, 28, 28]),
      /input has 3 channels, conv weight expects 1/,
    );
  });

  it('lowers the loss on real MNIST digits with plain SGD', () => {
    const digits = loadMnistDigits();
    const order = new Rng(1).shuffle(Array.from({ length: digits.labels.length }, (_, i) => i));
    const net = new SeedPipeline({
      input: [1, 28, 28],
      conv1Filters: 4,
      conv2Filters: 8,
      classes: 10,
      dtype: 'float32',
      seed: 1,
    });
    const losses: number[] = [];
    for (let step = 0; step < 16; step++) {
      const batch = gatherBatch(digits, order.slice(step * 16, step * 16 + 16));
      losses.push(net.forward(batch.images, batch.labels));
      net.backward();
      net.sgdStep(0.05);
    }
    const first = (losses[0] + losses[1] + losses[2] + losses[3]) / 4;
    const last = (losses[12] + losses[13] + losses[14] + losses[15]) / 4;
    assert.ok(losses.every(Number.isFinite));
    assert.ok(
      last < 0.8 * first,
      `loss should fall: first ${first.toFixed(3)}, last ${last.toFixed(3)}`,
    );
  });
});
