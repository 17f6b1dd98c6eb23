/**
 * The training step shared by fit() and the playground worker: a good step updates the weights
 * and steps a per-batch schedule; a non-finite loss leaves weights, gradients and schedule as
 * they were and says where; logits of the wrong shape name the caller; running metrics weight
 * each batch by its size; and the module imports nothing Node-only, so the browser can run it.
 * (fit's own tests check that it trains bitwise as before.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Flatten } from '../../src/nn/flatten.js';
import { Linear } from '../../src/nn/linear.js';
import { Sequential } from '../../src/nn/sequential.js';
import { SGD } from '../../src/optim/sgd.js';
import { StepLR } from '../../src/optim/step-lr.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { RunningMetrics, createTrainStep } from '../../src/train/train-step.js';
import { moduleGraph } from '../module-graph.js';

/** Flatten then Linear: 2 images of 1x2x2 to 3 classes. */
function setup() {
  const model = new Sequential(new Flatten(), new Linear(4, 3, { rng: new Rng(1) }));
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
  const step = createTrainStep({
    model,
    optimizer,
    numClasses: 3,
    schedule: { every: 'batch', scheduler },
    caller: 'test',
  });
  const weights = (): number[] => model.parameters().flatMap((p) => [...p.data]);
  return { model, optimizer, scheduler, step, weights };
}

const images = new Tensor(Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]), [2, 1, 2, 2]);
const labels = Int32Array.from([0, 1]);

describe('createTrainStep', () => {
  it('applies an update, clears the gradients and steps a per-batch schedule', () => {
    const { model, optimizer, step, weights } = setup();
    const before = weights();
    const outcome = step(images, labels);
    assert.equal(outcome.failed, false);
    assert.equal(outcome.images, 2);
    assert.ok(Number.isFinite(outcome.loss) && outcome.loss > 0, `loss ${outcome.loss}`);
    assert.ok(outcome.correct >= 0 && outcome.correct <= 2);
    assert.notDeepEqual(weights(), before);
    for (const p of model.parameters()) assert.equal(p.grad, null);
    assert.equal(optimizer.paramGroups[0].lr, 0.05);
  });

  it('applies nothing on a non-finite loss, and names the first bad gradient', () => {
    const { model, optimizer, step, weights } = setup();
    const before = weights();
    const poisoned = new Tensor(Float32Array.from([NaN, 0, 0, 0, 0, 1, 0, 0]), [2, 1, 2, 2]);
    const outcome = step(poisoned, labels);
    assert.equal(outcome.failed, true);
    assert.ok(Number.isNaN(outcome.loss));
    assert.equal(outcome.location?.kind, 'gradient');
    assert.equal(outcome.location?.parameter, '1.weight');
    assert.deepEqual(weights(), before);
    for (const p of model.parameters()) assert.equal(p.grad, null);
    assert.equal(optimizer.paramGroups[0].lr, 0.1, 'the schedule did not step');
  });

  it('names the caller when the logits do not match the classes', () => {
    const { model, optimizer } = setup();
    const step = createTrainStep({ model, optimizer, numClasses: 4, caller: 'fit' });
    assert.throws(() => step(images, labels), /^RangeError: fit: the model gives logits \(2,3\)/);
  });

  it('checks clipGradNorm', () => {
    const { model, optimizer } = setup();
    assert.throws(
      () => createTrainStep({ model, optimizer, numClasses: 3, clipGradNorm: 0 }),
      /trainStep: clipGradNorm must be a positive number or null, got 0/,
    );
  });
});

describe('RunningMetrics', () => {
  it('weights each batch by its images', () => {
    const metrics = new RunningMetrics();
    assert.ok(Number.isNaN(metrics.loss));
    metrics.add({ loss: 1, correct: 3, images: 4, failed: false, location: null });
    metrics.add({ loss: 4, correct: 0, images: 2, failed: false, location: null });
    assert.equal(metrics.images, 6);
    assert.equal(metrics.loss, 2);
    assert.equal(metrics.accuracy, 0.5);
  });
});

describe('train-step.ts in a browser', () => {
  it('imports nothing Node-only, directly or through the modules it loads', () => {
    const { files, outside, lazy } = moduleGraph('train/train-step.ts');
    assert.ok(files.length > 10, `walked ${files.length} files`);
    assert.deepEqual([...outside, ...lazy], []);
  });
});
