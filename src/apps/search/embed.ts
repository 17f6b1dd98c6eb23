/**
 * Embeds a dataset: every image through a model in evaluation mode without a graph (noGrad),
 * batch by batch as steps of the backend (in the fast backend's memory, see step-runner.ts),
 * into one row-major (N,D) block of vectors.
 */
import { noGrad } from '../../autograd.js';
import type { Dataset } from '../../data/dataset.js';
import { DataLoader, type NormalizeOptions } from '../../data/loader.js';
import type { Layer } from '../../nn/module.js';
import { currentStepRunner } from '../../train/step-runner.js';
import { yieldToEvents } from '../../train/yield-to-events.js';
import type { Vectors } from './exact-search.js';

export interface EmbedOptions {
  normalize?: NormalizeOptions;
  /** Images per batch; default 256. */
  batchSize?: number;
  /** Called after every batch with the images done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** The model's output for every image of the dataset, flattened to (N,D). */
export async function embedDataset(
  model: Layer,
  dataset: Dataset,
  { normalize, batchSize = 256, onProgress }: EmbedOptions = {},
): Promise<Vectors> {
  const loader = new DataLoader(dataset, { batchSize, shuffle: false, normalize });
  const runner = currentStepRunner();
  const wasTraining = model.training;
  model.eval();
  let out: Float32Array | null = null;
  let dim = 0;
  let done = 0;
  try {
    for (const { images, labels } of loader.epoch(0)) {
      const B = labels.length;
      runner.runStep([], () =>
        noGrad(() => {
          const y = model.forward(images);
          dim = y.size / B;
          out ??= new Float32Array(dataset.length * dim);
          out.set(y.data, done * dim);
        }),
      );
      done += B;
      onProgress?.(done, dataset.length);
      await yieldToEvents();
    }
  } finally {
    model.train(wasTraining);
  }
  return { data: out ?? new Float32Array(0), count: dataset.length, dim };
}
