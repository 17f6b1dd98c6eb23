/**
 * The `fit` lines for our backends: a preset trained exactly as `fit` and `convnet train` train
 * it. The model is built in the backend's resident memory (as `convnet train` builds it), Adam
 * is built after it (so its state is reserved beside the parameters), the DataLoader serves
 * shuffled, normalised batches of an in-memory dataset, and each run is the next batch and one
 * call of the library's training step (src/train/train-step.ts: inside the backend's runStep,
 * zero grads, forward, cross-entropy, backward, non-finite check, Adam step). A failed step (a
 * non-finite loss or gradient) fails the row.
 */
import type { Batch } from '../../src/data/dataset.js';
import { InMemoryDataset } from '../../src/data/dataset.js';
import { DataLoader } from '../../src/data/loader.js';
import { residentTensors, setBackend, type Backend } from '../../src/kernels/backend.js';
import { fashionNet, seedNet } from '../../src/nn/presets.js';
import { Adam } from '../../src/optim/adam.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { createTrainStep } from '../../src/train/train-step.js';
import { FIT_LR, FIT_NORMALIZE, SEED_NET, type FitCase } from '../workloads.js';
import { randomLabels, type Prepared } from './contestant.js';

const PRESETS = { 'seed-net': seedNet, 'fashion-net': fashionNet } as const;

/** Random images in [0, 1) and labels, as a dataset of 28x28x1 images in 10 classes. */
function randomDataset(f: FitCase): InMemoryDataset {
  const { C, H, W, CLASSES } = SEED_NET;
  const images = Tensor.uniform([f.images, C, H, W], new Rng(11));
  const labels = randomLabels(f.images, CLASSES, 12);
  const names = Array.from({ length: CLASSES }, (_, k) => `class ${k}`);
  return new InMemoryDataset(images, labels, names);
}

export function backendFitStep(backend: Backend, f: FitCase): Prepared {
  setBackend(backend);
  const { C, H, W, CLASSES } = SEED_NET;
  const make = PRESETS[f.preset];
  const model = residentTensors(() =>
    make({ seed: 0, inChannels: C, imageSize: [H, W], numClasses: CLASSES }),
  );
  model.train();
  const optimizer = new Adam(model.parameters(), { lr: FIT_LR });
  const loader = new DataLoader(randomDataset(f), {
    batchSize: f.N,
    seed: 0,
    normalize: FIT_NORMALIZE,
  });
  const step = createTrainStep({ model, optimizer, numClasses: CLASSES, caller: 'bench fit' });
  let epoch = 0;
  let batches = loader.epoch(epoch);
  const next = (): Batch => {
    let item = batches.next();
    if (item.done === true) {
      batches = loader.epoch(++epoch);
      item = batches.next();
    }
    if (item.done === true) throw new Error('the loader gave an empty epoch');
    return item.value;
  };
  return {
    run: () => {
      setBackend(backend);
      const { images, labels } = next();
      const outcome = step(images, labels);
      if (outcome.failed) {
        throw new Error(
          `training step failed: loss ${outcome.loss}, ${JSON.stringify(outcome.location)}`,
        );
      }
    },
    note: backend.runStep === undefined ? 'DataLoader, Adam' : 'DataLoader, Adam, in runStep',
  };
}
