/**
 * Embeds images: every batch through a model in evaluation mode without a graph (noGrad), as
 * one step of the backend (runStep: in the fast backend, every tensor of the step lives in the
 * kernels' memory, see step-runner.ts), into one row-major (N,D) block of vectors.
 *
 * The batch's input tensor is made inside the step, so with the fast backend it is already in
 * the kernels' memory: the images are gathered and normalised straight into it,
 *
 *   x[n,c,h,w] = (image[n,c,h,w] - mean[c]) / std[c]
 *
 * and the first kernel reads it in place, with no batch array allocated per batch and no copy
 * into the kernels' memory. Only the (B,D) output is copied out, into the result.
 */
import { noGrad } from '../../autograd.js';
import type { Dataset, ImageShape } from '../../data/dataset.js';
import type { NormalizeOptions } from '../../data/loader.js';
import type { Layer } from '../../nn/module.js';
import { Tensor } from '../../tensor.js';
import { currentStepRunner } from '../../train/step-runner.js';
import { yieldToEvents } from '../../train/yield-to-events.js';
import type { Vectors } from './exact-search.js';

/** Images per batch unless told otherwise. */
export const EMBED_BATCH_SIZE = 256;

export interface EmbedOptions {
  normalize?: NormalizeOptions;
  /** Images per batch; default EMBED_BATCH_SIZE. */
  batchSize?: number;
  /** Called after every batch with the images done so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Where the images come from: `count` images of `imageShape`, written as values in [0,1]
 * (before normalisation) by fill(pixels, from, B), for images [from, from + B). A source that
 * reads files does so in load(from, B), which is awaited before the step (a step is
 * synchronous).
 */
export interface ImageSource {
  count: number;
  imageShape: ImageShape;
  load?(from: number, count: number): Promise<void>;
  fill(pixels: Float32Array, from: number, count: number): void;
}

/** Per channel, x = (x - mean) / std in place over the images of `shape` in pixels. */
export function normalizeBatch(
  pixels: Float32Array,
  [C, H, W]: ImageShape,
  normalize: NormalizeOptions | undefined,
): void {
  if (normalize === undefined) return;
  const plane = H * W;
  const B = pixels.length / (C * plane);
  for (let c = 0; c < C; c++) {
    // Rounded to float32 as the DataLoader's are, so training and embedding agree bit for bit.
    const scale = Math.fround(1 / normalize.std[c]);
    const shift = Math.fround(-normalize.mean[c] / normalize.std[c]);
    if (scale === 1 && shift === 0) continue;
    for (let n = 0; n < B; n++) {
      const base = (n * C + c) * plane;
      for (let p = base; p < base + plane; p++) pixels[p] = pixels[p] * scale + shift;
    }
  }
}

/** The model's output for every image of the source, flattened to (N,D). */
export async function embedImages(
  model: Layer,
  source: ImageSource,
  { normalize, batchSize = EMBED_BATCH_SIZE, onProgress }: EmbedOptions = {},
): Promise<Vectors> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError(`embedImages: batchSize must be a positive integer, got ${batchSize}`);
  const { count, imageShape } = source;
  const [C, H, W] = imageShape;
  const runner = currentStepRunner();
  const wasTraining = model.training;
  model.eval();
  let out: Float32Array | null = null;
  let dim = 0;
  try {
    for (let done = 0; done < count;) {
      const B = Math.min(batchSize, count - done);
      await source.load?.(done, B);
      runner.runStep([], () =>
        noGrad(() => {
          // Filled and normalised in place, in the kernels' memory (see the top of the file).
          const x = Tensor.empty([B, C, H, W]);
          const pixels = x.data as Float32Array;
          source.fill(pixels, done, B);
          normalizeBatch(pixels, imageShape, normalize);
          const y = model.forward(x);
          dim = y.size / B;
          out ??= new Float32Array(count * dim);
          out.set(y.data, done * dim);
        }),
      );
      done += B;
      onProgress?.(done, count);
      await yieldToEvents();
    }
  } finally {
    model.train(wasTraining);
  }
  return { data: out ?? new Float32Array(0), count, dim };
}

/** A dataset as an image source: images gathered by index, allocating nothing per batch. */
export function datasetSource(dataset: Dataset): ImageSource {
  let indices = new Int32Array(0);
  let labels = new Int32Array(0);
  return {
    count: dataset.length,
    imageShape: dataset.imageShape,
    fill(pixels, from, B) {
      if (indices.length < B) {
        indices = new Int32Array(B);
        labels = new Int32Array(B);
      }
      for (let i = 0; i < B; i++) indices[i] = from + i;
      dataset.gatherInto(pixels, labels.subarray(0, B), indices.subarray(0, B));
    },
  };
}

/** The model's output for every image of the dataset, flattened to (N,D). */
export function embedDataset(
  model: Layer,
  dataset: Dataset,
  options: EmbedOptions = {},
): Promise<Vectors> {
  return embedImages(model, datasetSource(dataset), options);
}
