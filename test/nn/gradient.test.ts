/**
 * Gradient checks through modules, in float64: a Sequential holding every layer type, the mean
 * cross-entropy of its output, backward(), and every parameter's (and the input's) .grad
 * against central differences of the loss (src/check/gradient-check.ts). Once in training mode
 * (batch statistics, a dropout mask) and once in evaluation mode (running statistics, no
 * dropout).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noGrad } from '../../src/autograd.js';
import { assertGradient } from '../../src/check/gradient-check.js';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Flatten,
  GlobalAvgPool2d,
  LeakyReLU,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
  Upsample,
} from '../../src/nn/index.js';
import { crossEntropy } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';

const DROPOUT_SEED = 7;

function everyLayer(rng: Rng): { model: Sequential; dropout: Dropout } {
  const options = { rng, dtype: 'float64' as const };
  const dropout = new Dropout(0.3, { rng: new Rng(DROPOUT_SEED) });
  const model = new Sequential(
    new Conv2d(2, 3, 3, { padding: 1, ...options }), // (2,3,5,5)
    new BatchNorm2d(3, { dtype: 'float64' }),
    new LeakyReLU(0.1),
    new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1, ...options }), // (2,2,10,10)
    new MaxPool2d(2), // (2,2,5,5)
    new Upsample({ size: [7, 6], mode: 'bilinear' }), // (2,2,7,6)
    new AvgPool2d(2, { stride: 1 }), // (2,2,6,5)
    new Sigmoid(),
    new AdaptiveAvgPool2d([4, 3]), // (2,2,4,3): overlapping windows on both axes
    new Upsample({ size: [9, 7] }), // (2,2,9,7), nearest, non-integer scale
    new Tanh(),
    new Conv2d(2, 4, 3, { dilation: 2, groups: 2, ...options }), // (2,4,5,3)
    new ReLU(),
    new GlobalAvgPool2d(), // (2,4,1,1)
    new Flatten(), // (2,4)
    dropout,
    new Linear(4, 3, options), // (2,3)
  );
  return { model, dropout };
}

function checkModelGradients(training: boolean): void {
  const rng = new Rng(training ? 11 : 12);
  const { model, dropout } = everyLayer(rng);
  for (const b of model.buffers()) {
    // Non-trivial running statistics for the evaluation mode.
    if (b.size > 1) for (let i = 0; i < b.size; i++) b.data[i] += rng.uniform(0.1, 0.5);
  }
  model.train(training);
  const x = Tensor.randn([2, 2, 5, 5], rng, 1, 'float64').requireGrad();
  const labels = [0, 2];
  const loss = (): Tensor => {
    dropout.rng = new Rng(DROPOUT_SEED); // the same mask on every evaluation
    return crossEntropy(model.forward(x), labels);
  };
  loss().backward();
  const f = (): number => noGrad(() => loss().item());
  const tolerance = { eps: 1e-6, rtol: 1e-5, atol: 1e-9 };
  const leaves: [string, Tensor][] = [['input', x], ...model.namedParameters()];
  assert.equal(model.namedParameters().length, 10);
  for (const [name, t] of leaves) {
    assert.ok(t.data instanceof Float64Array, `${name} is float64`);
    assert.ok(t.grad !== null, `${name} has a gradient`);
    assertGradient(name, f, t.data, t.grad.data, tolerance);
  }
}

describe('gradient check through a Sequential of every layer type (float64)', () => {
  it('training mode: batch statistics and a dropout mask', () => {
    checkModelGradients(true);
  });

  it('evaluation mode: running statistics, dropout the identity', () => {
    checkModelGradients(false);
  });
});
