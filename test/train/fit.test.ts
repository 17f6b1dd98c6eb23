/**
 * fit(): resuming from the epoch-k checkpoint gives bitwise the weights of the uninterrupted
 * run (on the reference backend, and on the fast backend with 2 threads), the checkpoint's
 * layout and history files, and the non-finite stop (a NaN in the data, a huge learning rate)
 * that names the step and the parameter and leaves the last good checkpoint intact.
 *
 * The model is the fashion-net preset on 4x4 images (convolutions, batch norm and dropout, so
 * the dropout RNG and the batch-norm buffers must be restored too), trained with Adam under a
 * one-cycle schedule stepped per batch, gradient clipping and random flips, on 48 synthetic
 * images (small, so that the reference kernels take a few seconds).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InMemoryDataset, type Dataset } from '../../src/data/dataset.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { getBackend, setBackend, type Backend } from '../../src/kernels/backend.js';
import { createWasmBackend, type WasmBackend } from '../../src/kernels/wasm/index.js';
import { Adam } from '../../src/optim/adam.js';
import { OneCycleLR } from '../../src/optim/one-cycle-lr.js';
import { SGD } from '../../src/optim/sgd.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { fit, type FitOptions } from '../../src/train/fit.js';
import { HISTORY_COLUMNS } from '../../src/train/history.js';
import { buildModel, completeModelSpec, modelSpecToJson } from '../../src/io/model-spec.js';
import { NonFiniteError } from '../../src/train/non-finite.js';
import { directStepRunner } from '../../src/train/step-runner.js';
import { parseTrainingState } from '../../src/train/training-state.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'convnet-fit-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** n images of 1x4x4 in 3 classes: a bright bar whose row (0, 1 or 2) is the class, plus noise. */
function barDataset(n: number, seed: number): InMemoryDataset {
  const rng = new Rng(seed);
  const pixels = new Float32Array(n * 16);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 3;
    labels[i] = label;
    for (let p = 0; p < 16; p++) pixels[i * 16 + p] = rng.uniform(0, 0.3);
    for (let x = 0; x < 4; x++) pixels[i * 16 + label * 4 + x] += 0.7;
  }
  return InMemoryDataset.fromArrays(pixels, [n, 1, 4, 4], labels, ['top', 'middle', 'bottom']);
}

const SPEC_V1 = {
  preset: 'fashion-net',
  options: { seed: 3, inChannels: 1, numClasses: 3, imageSize: [4, 4] },
  classNames: ['top', 'middle', 'bottom'],
  normalize: { mean: [0.3], std: [0.3] },
  dataset: 'bars',
} as const;
const SPEC = completeModelSpec(SPEC_V1);
const EPOCHS = 3;
const BATCH = 16;
const train = barDataset(48, 1);
const test = barDataset(24, 2);

/** Everything a run needs, built afresh from the same settings (as a resumed process does). */
function setup(): Pick<FitOptions, 'model' | 'optimizer' | 'schedule'> {
  const model = buildModel(SPEC);
  const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
  const totalSteps = EPOCHS * Math.ceil(train.length / BATCH);
  return {
    model,
    optimizer,
    schedule: { every: 'batch', scheduler: new OneCycleLR(optimizer, { maxLr: 3e-3, totalSteps }) },
  };
}

function common(out: string): Omit<FitOptions, 'model' | 'optimizer' | 'schedule'> {
  return {
    train,
    test,
    epochs: EPOCHS,
    batchSize: BATCH,
    seed: 5,
    normalize: SPEC.normalize,
    augment: { horizontalFlip: true },
    clipGradNorm: 5,
    out,
    spec: modelSpecToJson(SPEC),
    config: { note: 'test' },
  };
}

/** The first element where two state dicts differ, or null when they are bitwise equal. */
function firstDifference(a: Map<string, Tensor>, b: Map<string, Tensor>): string | null {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [name, x] of a) {
    const y = b.get(name);
    assert.ok(y !== undefined);
    const bitsX = new Uint32Array(new Float32Array(x.data).buffer);
    const bitsY = new Uint32Array(new Float32Array(y.data).buffer);
    for (let i = 0; i < bitsX.length; i++) {
      if (bitsX[i] !== bitsY[i]) return `${name}[${i}]: ${x.data[i]} vs ${y.data[i]}`;
    }
  }
  return null;
}

/** Trains 3 epochs straight, and 2 + (stop, new objects, resume) 1; returns both runs' results. */
async function straightAndResumed(): Promise<{
  straight: Map<string, Tensor>;
  resumed: Map<string, Tensor>;
  dirs: [string, string];
}> {
  const straightDir = tempDir();
  const straightRun = setup();
  const straightResult = await fit({ ...straightRun, ...common(straightDir) });
  assert.equal(straightResult.finished, true);

  const resumedDir = tempDir();
  const first = await fit({ ...setup(), ...common(resumedDir), stopAfterEpochs: 2 });
  assert.equal(first.finished, false);
  assert.equal(first.epoch, 2);
  const checkpoint = await loadCheckpoint(resumedDir);
  const resumedRun = setup(); // fresh objects, as in a new process
  const second = await fit({ ...resumedRun, ...common(resumedDir), resume: checkpoint });
  assert.equal(second.finished, true);
  assert.equal(second.epoch, EPOCHS);
  assert.equal(second.step, straightResult.step);
  assert.deepEqual(
    second.history.map((r) => [r.trainLoss, r.testLoss, r.lr]),
    straightResult.history.map((r) => [r.trainLoss, r.testLoss, r.lr]),
  );
  return {
    straight: straightRun.model.stateDict(),
    resumed: resumedRun.model.stateDict(),
    dirs: [straightDir, resumedDir],
  };
}

describe('fit: resume reproduces the uninterrupted run exactly', () => {
  it('on the reference backend', async () => {
    const {
      straight,
      resumed,
      dirs: [a, b],
    } = await straightAndResumed();
    assert.equal(firstDifference(straight, resumed), null);
    const [ca, cb] = [await loadCheckpoint(a), await loadCheckpoint(b)];
    assert.equal(ca.manifest.files.weights.sha256, cb.manifest.files.weights.sha256);
    assert.equal(ca.manifest.files.optimizer?.sha256, cb.manifest.files.optimizer?.sha256);
  });

  describe('on the fast backend with 2 threads', () => {
    let previous: Backend | null = null;
    let backend: WasmBackend | null = null;
    let startError = '';
    before(async () => {
      previous = getBackend();
      try {
        backend = await createWasmBackend({ threads: 2 });
        setBackend(backend);
      } catch (error) {
        startError = error instanceof Error ? error.message : String(error);
      }
    });
    after(() => {
      backend?.dispose();
      if (previous !== null) setBackend(previous);
    });

    it('gives bitwise identical weights', async (t) => {
      if (backend === null) return t.skip(`the wasm backend could not start: ${startError}`);
      t.diagnostic(`kernels: ${backend.path.description}`);
      const { straight, resumed } = await straightAndResumed();
      assert.equal(firstDifference(straight, resumed), null);
    });
  });
});

describe('fit: checkpoints and history', () => {
  it('writes the checkpoint parts, history.json and history.csv', async () => {
    const out = tempDir();
    const result = await fit({ ...setup(), ...common(out), epochs: 2 });
    const files = readdirSync(out).sort();
    assert.deepEqual(files, [
      'checkpoint.json',
      'history.csv',
      'history.json',
      'model-2.json',
      'optimizer-2.json',
      'state-2.json',
      'weights-2.safetensors',
    ]);
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
    assert.equal(history.length, 2);
    assert.deepEqual(Object.keys(history[0]), [...HISTORY_COLUMNS]);
    const csv = readFileSync(join(out, 'history.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], HISTORY_COLUMNS.join(','));
    assert.equal(csv.length, 3);
    const checkpoint = await loadCheckpoint(out);
    const model = buildModel(SPEC);
    model.loadStateDict(checkpoint.weights);
    assert.equal(firstDifference(model.stateDict(), checkpoint.weights), null);
    assert.equal(result.history.length, 2);
    assert.ok(result.test.accuracy > 0.6, `test accuracy ${result.test.accuracy}`);
  });

  it('runs without runStep and without a checkpoint directory', async () => {
    const model = buildModel(completeModelSpec({ ...SPEC_V1, preset: 'seed-net' }));
    const result = await fit({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }),
      train,
      test,
      epochs: 2,
      batchSize: BATCH,
      normalize: SPEC.normalize,
      stepRunner: directStepRunner,
    });
    assert.equal(result.checkpointDir, null);
    assert.equal(result.history.length, 2);
    assert.equal(result.test.confusion.total, test.length);
  });
});

/** A dataset that puts a NaN into every image it serves after `cleanBatches` batches. */
class PoisonedDataset implements Dataset {
  private served = 0;
  constructor(
    private readonly inner: InMemoryDataset,
    private readonly cleanBatches: number,
  ) {}
  get length(): number {
    return this.inner.length;
  }
  get imageShape() {
    return this.inner.imageShape;
  }
  get classNames() {
    return this.inner.classNames;
  }
  getBatch(indices: ArrayLike<number>) {
    return this.inner.getBatch(indices);
  }
  gatherInto(images: Float32Array, labels: Int32Array, indices: ArrayLike<number>): void {
    this.inner.gatherInto(images, labels, indices);
    if (++this.served > this.cleanBatches) images[5] = NaN;
  }
}

describe('fit: a non-finite loss or gradient stops training', () => {
  it('names the step and the first parameter, and keeps the last good checkpoint', async () => {
    const out = tempDir();
    const batches = Math.ceil(train.length / BATCH);
    const poisoned = new PoisonedDataset(train, batches + 1); // epoch 1 clean, then batch 2 of epoch 2
    const run = setup();
    await assert.rejects(fit({ ...run, ...common(out), train: poisoned }), (error: unknown) => {
      assert.ok(error instanceof NonFiniteError, String(error));
      assert.equal(error.step, batches + 2);
      assert.equal(error.parameter, 'features.0.weight');
      assert.match(
        error.message,
        new RegExp(`step ${batches + 2} \\(epoch 2, batch 2 of ${batches}\\)`),
      );
      assert.match(error.message, /the loss is (NaN|\S+ but a gradient is not finite)/);
      assert.match(error.message, /features\.0\.weight/);
      assert.match(error.message, /last good checkpoint \(epoch 1\)/);
      return true;
    });
    const checkpoint = await loadCheckpoint(out);
    assert.equal(checkpoint.manifest.generation, 1);
    assert.equal(parseTrainingState(checkpoint.state, out).epoch, 1);
    for (const [name, t] of checkpoint.weights) {
      assert.ok(
        t.data.every((v) => Number.isFinite(v)),
        `${name} is finite in the checkpoint`,
      );
    }
    // The failed step left the model as it was after the last good step: still finite.
    for (const [name, p] of run.model.namedParameters()) {
      assert.ok(
        p.data.every((v) => Number.isFinite(v)),
        `${name} was not updated with NaN`,
      );
      assert.equal(p.grad, null);
    }
  });

  it('stops on a huge learning rate, naming the parameter', async () => {
    const model = buildModel(completeModelSpec({ ...SPEC_V1, preset: 'seed-net' }));
    await assert.rejects(
      fit({
        model,
        optimizer: new SGD(model.parameters(), { lr: 1e30 }),
        train,
        test,
        epochs: 3,
        batchSize: BATCH,
        normalize: SPEC.normalize,
      }),
      (error: unknown) => {
        assert.ok(error instanceof NonFiniteError, String(error));
        assert.ok(error.step >= 2, `step ${error.step}`);
        assert.match(error.message, /^training stopped at step \d+ \(epoch \d, batch \d of 3\)/);
        assert.ok(
          model.namedParameters().some(([name]) => name === error.parameter),
          `parameter ${error.parameter}`,
        );
        assert.match(error.message, /No checkpoint had been saved yet/);
        return true;
      },
    );
  });
});
