/**
 * Training the detector: Adam on the CenterNet loss (losses.ts), a cosine schedule with warm-up
 * stepped per batch, the data order shuffled each epoch from the seed. Each step runs inside the
 * backend's runStep (the fast backend's memory, as classification's train step does) and, like
 * it, refuses an update whose loss or gradients are not finite. Progress goes to the same
 * console reporter as classification: its bar shows the running loss, its heatmap and box terms
 * and the current lr; each epoch's line gives the lr of its first and last step (the warm-up's
 * first step has lr 0 by design, see CosineWarmupLR).
 *
 * Scenes are made on demand from their index (digit-scenes is deterministic per index), so a set
 * of 8,000 training scenes costs no memory beyond a batch.
 */
import { noGrad } from '../../autograd.js';
import type { Graph } from '../../nn/graph/graph.js';
import { Adam } from '../../optim/adam.js';
import { clipGradNorm } from '../../optim/clip-grad.js';
import { CosineWarmupLR } from '../../optim/cosine-warmup-lr.js';
import { Rng } from '../../rng.js';
import { findNonFinite } from '../../train/non-finite.js';
import { silentReporter, type ProgressReporter } from '../../train/progress.js';
import { currentStepRunner, type StepRunner } from '../../train/step-runner.js';
import type { Tensor } from '../../tensor.js';
import type { Scene } from './digit-scenes.js';
import { detectionLoss } from './losses.js';
import { sceneTargets, scenesToImages } from './scene-batch.js';

/** Where training scenes come from: scene i of a set of `count`. */
export interface SceneSource {
  count: number;
  scene(index: number): Scene;
}

export function sceneArraySource(scenes: readonly Scene[]): SceneSource {
  return { count: scenes.length, scene: (i) => scenes[i] };
}

export interface TrainDetectorOptions {
  model: Graph;
  train: SceneSource;
  numClasses: number;
  epochs?: number;
  batchSize?: number;
  /** Peak learning rate; default 2e-3. */
  lr?: number;
  weightDecay?: number;
  /** Fraction of the steps spent warming up; default 0.05. */
  warmup?: number;
  clipGradNorm?: number | null;
  seed?: number;
  reporter?: ProgressReporter;
  stepRunner?: StepRunner;
  /** Called after each epoch (evaluation, saving). */
  onEpochEnd?: (record: DetectionEpochRecord) => void | Promise<void>;
}

export interface DetectionEpochRecord {
  epoch: number;
  loss: number;
  heatmapLoss: number;
  sizeLoss: number;
  offsetLoss: number;
  /** The lr of the epoch's first and last step. */
  lrFirst: number;
  lrLast: number;
  seconds: number;
  imagesPerSecond: number;
}

/** One training step's losses (means per object); `failed` names what was not finite. */
export interface DetectorStepResult {
  total: number;
  heatmap: number;
  size: number;
  offset: number;
  failed: string | null;
}

export async function trainDetector({
  model,
  train,
  numClasses,
  epochs = 10,
  batchSize = 32,
  lr = 2e-3,
  weightDecay = 0,
  warmup = 0.05,
  clipGradNorm: maxNorm = 10,
  seed = 0,
  reporter = silentReporter,
  stepRunner = currentStepRunner(),
  onEpochEnd,
}: TrainDetectorOptions): Promise<DetectionEpochRecord[]> {
  const optimizer = new Adam(model.parameters(), { lr, weightDecay });
  const batches = Math.ceil(train.count / batchSize);
  const totalSteps = Math.max(2, epochs * batches);
  const schedule = new CosineWarmupLR(optimizer, {
    warmupSteps: Math.min(totalSteps - 1, Math.round(warmup * totalSteps)),
    totalSteps,
  });
  const rng = new Rng(seed);
  const history: DetectionEpochRecord[] = [];

  const step = createDetectorStep({ model, optimizer, numClasses, maxNorm, stepRunner });

  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    const order = rng.shuffle(Array.from({ length: train.count }, (_, i) => i));
    const lrFirst = optimizer.paramGroups[0].lr;
    let lrLast = lrFirst;
    reporter.epochStart({ epoch, epochs, batches, images: train.count });
    const start = performance.now();
    const sums = { total: 0, heatmap: 0, size: 0, offset: 0 };
    let seen = 0;
    for (let b = 0; b < batches; b++) {
      const scenes = order.slice(b * batchSize, (b + 1) * batchSize).map((k) => train.scene(k));
      lrLast = optimizer.paramGroups[0].lr;
      const result = step(scenesToImages(scenes), scenes);
      if (result.failed !== null) {
        throw new Error(
          `trainDetector: epoch ${epoch}, batch ${b + 1}: the ${result.failed === 'loss' ? `loss is ${result.total}` : `gradient of ${result.failed} is not finite`}; nothing was applied (try a lower --lr)`,
        );
      }
      schedule.step();
      seen += scenes.length;
      sums.total += result.total * scenes.length;
      sums.heatmap += result.heatmap * scenes.length;
      sums.size += result.size * scenes.length;
      sums.offset += result.offset * scenes.length;
      const seconds = (performance.now() - start) / 1000;
      reporter.batch({
        epoch,
        batch: b + 1,
        batches,
        loss: sums.total / seen,
        metrics: [
          { name: 'heatmap', value: sums.heatmap / seen },
          { name: 'size', value: sums.size / seen },
          { name: 'offset', value: sums.offset / seen },
          { name: 'lr', value: lrLast, format: 'exponential' },
        ],
        imagesPerSecond: seen / seconds,
      });
    }
    const seconds = (performance.now() - start) / 1000;
    reporter.close();
    const record: DetectionEpochRecord = {
      epoch,
      loss: sums.total / seen,
      heatmapLoss: sums.heatmap / seen,
      sizeLoss: sums.size / seen,
      offsetLoss: sums.offset / seen,
      lrFirst,
      lrLast,
      seconds,
      imagesPerSecond: seen / seconds,
    };
    history.push(record);
    reporter.message(
      `epoch ${epoch}/${epochs}  loss ${record.loss.toFixed(4)} (heatmap ${record.heatmapLoss.toFixed(4)}, size ${record.sizeLoss.toFixed(3)}, offset ${record.offsetLoss.toFixed(3)})  lr ${lrFirst.toExponential(2)} -> ${lrLast.toExponential(2)}  ${Math.round(record.imagesPerSecond)} img/s  ${seconds.toFixed(1)} s`,
    );
    await onEpochEnd?.(record);
  }
  model.eval();
  return history;
}

/** Runs the detector on scenes in eval mode, batch by batch: the three maps for each batch. */
export function forEachPrediction(
  model: Graph,
  scenes: readonly Scene[],
  batchSize: number,
  visit: (maps: { heatmap: Tensor; size: Tensor; offset: Tensor }, first: number) => void,
  stepRunner: StepRunner = currentStepRunner(),
): void {
  model.eval();
  for (let first = 0; first < scenes.length; first += batchSize) {
    const batch = scenes.slice(first, first + batchSize);
    stepRunner.runStep(model.parameters(), () =>
      noGrad(() => {
        const out = model.run(scenesToImages(batch));
        const [heatmap, size, offset] = ['heatmap', 'size', 'offset'].map(
          (n) => out.get(n) as Tensor,
        );
        visit({ heatmap, size, offset }, first);
      }),
    );
  }
}

/**
 * One training step of a detector, as trainDetector runs it (bench/apps-workloads.ts times it):
 * inside the backend's runStep, zero the gradients, forward, CenterNet loss, backward, refuse a
 * non-finite loss or gradient (nothing applied), clip, Adam.
 */
export function createDetectorStep({
  model,
  optimizer,
  numClasses,
  maxNorm = 10,
  stepRunner = currentStepRunner(),
}: {
  model: Graph;
  optimizer: Pick<Adam, 'step' | 'zeroGrad'>;
  numClasses: number;
  maxNorm?: number | null;
  stepRunner?: StepRunner;
}): (images: Tensor, scenes: readonly Scene[]) => DetectorStepResult {
  const named = model.namedParameters();
  const params = named.map(([, p]) => p);
  return (images, scenes) =>
    stepRunner.runStep(params, () => {
      optimizer.zeroGrad();
      const out = model.run(images);
      const get = (name: string): Tensor => {
        const t = out.get(name);
        if (t === undefined) throw new Error(`trainDetector: the model has no output '${name}'`);
        return t;
      };
      const loss = detectionLoss(
        { heatmap: get('heatmap'), size: get('size'), offset: get('offset') },
        sceneTargets(scenes, numClasses),
      );
      const total = loss.total.item();
      loss.total.backward();
      const bad = Number.isFinite(total) ? findNonFinite(named, 'gradient') : null;
      if (!Number.isFinite(total) || bad !== null) {
        optimizer.zeroGrad();
        return {
          total,
          heatmap: loss.heatmap,
          size: loss.size,
          offset: loss.offset,
          failed: bad === null ? 'loss' : bad.parameter,
        };
      }
      if (maxNorm !== null) clipGradNorm(params, maxNorm);
      optimizer.step();
      optimizer.zeroGrad();
      return { total, heatmap: loss.heatmap, size: loss.size, offset: loss.offset, failed: null };
    });
}
