/**
 * trainEmbedding(): metric learning for the embedding preset. Each epoch:
 *
 *   for each batch of the seeded DataLoader:
 *     in the backend's memory (runStep): zero grads, e = model(images) (unit vectors),
 *     loss = ProxyLoss(e, labels) for 'arcface' (margin m, scale s, proxies trained too)
 *          | tripletLoss(e, labels) for 'triplet' (batch-hard; soft margin, or a hinge of
 *            margin m), over class-balanced P x K batches (pk-batches.ts),
 *     backward, stop on a non-finite loss, Adam step; then the one-cycle schedule's step
 *   evaluate: P@1 and MAP@R of the test split against itself (at most evalImages of it)
 *
 * The batch "accuracy" shown while training is the batch's own P@1: the fraction of images
 * whose nearest other image in the batch has their label. Imports nothing Node-only.
 */
import type { Dataset } from '../../data/dataset.js';
import { DataLoader, type AugmentOptions, type NormalizeOptions } from '../../data/loader.js';
import type { Graph } from '../../nn/graph/graph.js';
import { Adam } from '../../optim/adam.js';
import { OneCycleLR } from '../../optim/one-cycle-lr.js';
import { silentReporter, type ProgressReporter } from '../../train/progress.js';
import { currentStepRunner } from '../../train/step-runner.js';
import { yieldToEvents } from '../../train/yield-to-events.js';
import type { Tensor } from '../../tensor.js';
import { embedDataset } from './embed.js';
import { EMBEDDING_RECIPE } from './embedding-recipe.js';
import { ProxyLoss } from './proxy-loss.js';
import { evaluateRetrieval } from './retrieval-eval.js';
import type { RetrievalScores } from './retrieval-metrics.js';
import { datasetLabels, orderedView, pkOrder, pkShape } from './pk-batches.js';
import { tripletLoss } from './triplet-loss.js';

export const LOSS_NAMES = ['arcface', 'triplet'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export interface EmbeddingLossConfig {
  name: LossName;
  /** ArcFace's angular margin (radians), or the triplet hinge's margin (null: soft margin). */
  margin: number | null;
  /** ArcFace's scale; null for triplet. */
  scale: number | null;
}

/** Defaults per loss: ArcFace's margin and scale from EMBEDDING_RECIPE; triplet with the soft margin. */
export function defaultLoss(name: LossName): EmbeddingLossConfig {
  return name === 'arcface'
    ? { name, margin: EMBEDDING_RECIPE.margin, scale: EMBEDDING_RECIPE.scale }
    : { name, margin: null, scale: null };
}

export interface TrainEmbeddingOptions {
  /** Takes (B,C,H,W) images, gives (B,D) unit vectors (embeddingNet). */
  model: Graph;
  train: Dataset;
  test: Dataset;
  loss: EmbeddingLossConfig;
  epochs: number;
  batchSize: number;
  /** The one-cycle schedule's peak learning rate. */
  lr: number;
  weightDecay?: number;
  seed?: number;
  normalize?: NormalizeOptions;
  /** Training augmentation (random crop, flip), drawn from (seed, epoch); default none. */
  augment?: AugmentOptions;
  /** Test images evaluated after each epoch (the first ones); default 2000. */
  evalImages?: number;
  reporter?: ProgressReporter;
}

export interface EmbeddingEpoch {
  epoch: number;
  loss: number;
  /** The test split's first evalImages against each other. */
  test: RetrievalScores;
  seconds: number;
}

/** The fraction of rows whose most similar other row (by dot product) has their label. */
function batchPrecisionAt1(e: Tensor, labels: Int32Array): number {
  const [B, D] = e.shape;
  let hits = 0;
  for (let i = 0; i < B; i++) {
    let best = -Infinity;
    let at = -1;
    for (let j = 0; j < B; j++) {
      if (j === i) continue;
      let s = 0;
      for (let d = 0; d < D; d++) s += e.data[i * D + d] * e.data[j * D + d];
      if (s > best) [best, at] = [s, j];
    }
    if (at >= 0 && labels[at] === labels[i]) hits++;
  }
  return B > 1 ? hits / B : 0;
}

/** Trains model (see the top of this file); returns each epoch's record. */
export async function trainEmbedding(options: TrainEmbeddingOptions): Promise<EmbeddingEpoch[]> {
  const { model, train, test, loss, epochs, batchSize, lr, weightDecay = 0, seed = 0 } = options;
  const { normalize, augment, evalImages = 2000, reporter = silentReporter } = options;
  const classes = train.classNames.length;
  const dim = model.outputShape([1, ...train.imageShape])[1];
  const proxyLoss =
    loss.name === 'arcface'
      ? new ProxyLoss(classes, dim, {
          margin: loss.margin ?? EMBEDDING_RECIPE.margin,
          scale: loss.scale ?? EMBEDDING_RECIPE.scale,
          seed,
        })
      : null;
  const params = [...model.parameters(), ...(proxyLoss?.parameters() ?? [])];
  const optimizer = new Adam(params, { lr, weightDecay });
  const pk = proxyLoss === null ? pkShape(batchSize, classes) : null;
  const labels = pk === null ? null : datasetLabels(train);
  const loaderOf = (epoch: number): DataLoader =>
    pk === null || labels === null
      ? new DataLoader(train, { batchSize, seed, normalize, augment })
      : new DataLoader(orderedView(train, pkOrder(labels, pk, seed, epoch)), {
          batchSize: pk.classes * pk.perClass,
          shuffle: false,
          seed,
          normalize,
          augment,
        });
  const batches = loaderOf(0).batchesPerEpoch;
  if (pk !== null) {
    reporter.message(
      `triplet batches: ${pk.classes} classes x ${pk.perClass} images (${pk.classes * pk.perClass} per batch), ${batches} per epoch`,
    );
  }
  const schedule = new OneCycleLR(optimizer, { maxLr: lr, totalSteps: epochs * batches });
  const runner = currentStepRunner();
  const evalSet = subsetOf(test, Math.min(evalImages, test.length));
  const history: EmbeddingEpoch[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const start = performance.now();
      reporter.epochStart({ epoch: epoch + 1, epochs, batches, images: train.length });
      model.train();
      let lossSum = 0;
      let hitSum = 0;
      let seen = 0;
      let batch = 0;
      for (const { images, labels } of loaderOf(epoch).epoch(epoch)) {
        const B = labels.length;
        const [value, p1] = runner.runStep(params, () => {
          optimizer.zeroGrad();
          const e = model.forward(images);
          const l =
            proxyLoss !== null
              ? proxyLoss.forward(e, labels)
              : tripletLoss(e, labels, { margin: loss.margin });
          const v = l.item();
          if (!Number.isFinite(v)) return [v, 0];
          const hits = batchPrecisionAt1(e, labels);
          l.backward();
          optimizer.step();
          optimizer.zeroGrad();
          return [v, hits];
        });
        if (!Number.isFinite(value)) {
          throw new Error(
            `trainEmbedding: the loss became ${value} at epoch ${epoch + 1}, batch ${batch + 1}; try a smaller --lr`,
          );
        }
        schedule.step();
        batch++;
        lossSum += value * B;
        hitSum += p1 * B;
        seen += B;
        reporter.batch({
          epoch: epoch + 1,
          batch,
          batches,
          loss: lossSum / seen,
          metrics: [{ name: 'acc', value: hitSum / seen, format: 'percent' }],
          imagesPerSecond: seen / ((performance.now() - start) / 1000),
        });
        await yieldToEvents();
      }
      reporter.close();
      const vectors = await embedDataset(model, evalSet, { normalize });
      const scores = evaluateRetrieval(vectors, evalSet.labels, vectors, evalSet.labels, {
        sameSet: true,
      });
      const record = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        test: scores,
        seconds: (performance.now() - start) / 1000,
      };
      history.push(record);
      reporter.message(
        `epoch ${record.epoch}/${epochs}: loss ${record.loss.toFixed(4)}, ${Math.round(seen / record.seconds).toLocaleString('en-US')} img/s; test (${evalSet.length} against each other) P@1 ${(100 * scores.precisionAt1).toFixed(2)}%, MAP@R ${(100 * scores.mapAtR).toFixed(2)}% (${record.seconds.toFixed(1)} s)`,
      );
    }
  } finally {
    reporter.close();
    model.eval();
  }
  return history;
}

/** The first n images of a dataset, with their labels at hand. */
function subsetOf(dataset: Dataset, n: number): Dataset & { labels: Int32Array } {
  const indices = Array.from({ length: n }, (_, i) => i);
  const { labels } = dataset.getBatch(indices);
  return {
    length: n,
    imageShape: dataset.imageShape,
    classNames: dataset.classNames,
    labels,
    getBatch: (ids) => dataset.getBatch(ids),
    gatherInto: (images, out, ids) => dataset.gatherInto(images, out, ids),
  };
}
