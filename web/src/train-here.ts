/**
 * "Train here": the small models the application panels train in their worker (apps-worker.ts),
 * so the panels work without the command line. The scenes are made as the CLI makes them
 * (apps.detection.makeScenes: 96x96 digit scenes; apps.segmentation.generateDigitMasks: 64x84
 * digit masks) from the 8,000 training digits, one fresh batch per step, and each step is the
 * library's own (apps.detection.createDetectorStep, apps.segmentation.createSegmentationStep)
 * under Adam and a cosine schedule with a linear warm-up over TRAIN_STEPS steps.
 */
import { apps, data, io, optim, type nn } from 'convnet-ts/browser';
import type { AppName } from './apps-protocol.js';

/** What Train here runs: steps of a cosine schedule (Stop ends it sooner). */
export const TRAIN_STEPS = 3_000;
const WARMUP_STEPS = 50;

const DETECTOR_WIDTH = 16;
const DETECTION_BATCH = 16;
const DETECTION_LR = 2e-3;
const SCENE_SIZE = 96;

const SEGMENTATION_BATCH = 8;
const MASK_SIZE: [number, number] = [64, 84];

/** A model being trained here: one step at a time. */
export interface Trainer {
  steps: number;
  scenes: number;
  /** The last step's loss (NaN before the first). */
  loss: number;
  /** One step; returns its loss. */
  step(): number;
}

export interface AppModel {
  model: nn.Graph;
  /** What its model file says about it (encodeModelFile; the graph is the model's). */
  spec: io.ModelFileSpecInput | io.ModelSpec;
  classNames: string[];
  /** Sides are padded to multiples of it (the detector pads to 2x itself). */
  stride: number;
  trainer: Trainer | null;
}

export const TRAINED_HERE: Record<AppName, string> = {
  detection: `digit-detector (width ${DETECTOR_WIDTH}) trained here on generated digit scenes`,
  segmentation: `unet-lite (base ${apps.segmentation.DIGIT_MASKS_RECIPE.base}, depth ${apps.segmentation.DIGIT_MASKS_RECIPE.depth}) trained here on generated digit masks`,
};

function schedule(optimizer: optim.Adam): optim.CosineWarmupLR {
  return new optim.CosineWarmupLR(optimizer, {
    warmupSteps: WARMUP_STEPS,
    totalSteps: TRAIN_STEPS,
  });
}

export function detectionTrainer(pool: data.InMemoryDataset, seed: number): AppModel {
  const model = apps.detection.digitDetector({
    numClasses: 10,
    seed,
    imageSize: SCENE_SIZE,
    width: DETECTOR_WIDTH,
  });
  const optimizer = new optim.Adam(model.parameters(), { lr: DETECTION_LR });
  const lr = schedule(optimizer);
  const step = apps.detection.createDetectorStep({ model, optimizer, numClasses: 10 });
  const trainer: Trainer = {
    steps: 0,
    scenes: 0,
    loss: NaN,
    step() {
      model.train();
      const first = trainer.steps * DETECTION_BATCH;
      const scenes = apps.detection.makeScenes(pool, DETECTION_BATCH, { seed }, first);
      const result = step(apps.detection.scenesToImages(scenes), scenes);
      if (result.failed !== null) {
        throw new Error(
          `training step ${trainer.steps + 1}: ${result.failed === 'loss' ? `the loss is ${result.total}` : `the gradient of ${result.failed} is not finite`}; nothing was applied`,
        );
      }
      lr.step();
      trainer.steps++;
      trainer.scenes += scenes.length;
      trainer.loss = result.total;
      return result.total;
    },
  };
  const classNames = [...data.MNIST_CLASS_NAMES];
  const spec = {
    name: 'digit-detector',
    task: 'detection',
    seed,
    classNames,
    dataset: 'digit-scenes',
  } as const;
  return { model, spec, classNames, stride: apps.detection.DETECTOR_STRIDE, trainer };
}

export function segmentationTrainer(pool: data.InMemoryDataset, seed: number): AppModel {
  const recipe = apps.segmentation.DIGIT_MASKS_RECIPE;
  const stride = apps.segmentation.unetLiteStride(recipe.depth);
  const padded = MASK_SIZE.map((side) => Math.ceil(side / stride) * stride) as [number, number];
  const model = apps.segmentation.unetLite({
    numClasses: apps.segmentation.DIGIT_MASK_CLASS_NAMES.length,
    seed,
    base: recipe.base,
    depth: recipe.depth,
    up: recipe.up,
    imageSize: padded,
  });
  const optimizer = new optim.Adam(model.parameters(), { lr: recipe.lr });
  const lr = schedule(optimizer);
  const step = apps.segmentation.createSegmentationStep({
    model,
    optimizer,
    numClasses: apps.segmentation.DIGIT_MASK_CLASS_NAMES.length,
    loss: recipe.loss,
    classWeights: recipe.classWeights,
  });
  const indices = Array.from({ length: SEGMENTATION_BATCH }, (_, i) => i);
  const trainer: Trainer = {
    steps: 0,
    scenes: 0,
    loss: NaN,
    step() {
      model.train();
      const set = apps.segmentation.generateDigitMasks(pool, {
        count: SEGMENTATION_BATCH,
        seed: seed * 1_000_003 + trainer.steps,
        height: MASK_SIZE[0],
        width: MASK_SIZE[1],
      });
      const batch = apps.segmentation.padSegmentationBatch(set.getBatch(indices), padded);
      const result = step(batch);
      if (result.failed) {
        const where =
          result.location === null ? 'the loss' : `the gradient of ${result.location.parameter}`;
        throw new Error(
          `training step ${trainer.steps + 1}: ${where} is not finite; nothing was applied`,
        );
      }
      lr.step();
      trainer.steps++;
      trainer.scenes += SEGMENTATION_BATCH;
      trainer.loss = result.loss;
      return result.loss;
    },
  };
  const classNames = [...apps.segmentation.DIGIT_MASK_CLASS_NAMES];
  const spec = {
    name: 'unet-lite',
    task: 'segmentation',
    seed,
    classNames,
    // Segmenters take pixels in [0, 1], as saveSegmenter records.
    normalize: { mean: [0], std: [1] },
    dataset: 'digit-masks',
  } as const;
  return { model, spec, classNames, stride, trainer };
}
