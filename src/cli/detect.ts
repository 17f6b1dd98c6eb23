/**
 * Object detection on the command line (issue 13):
 *
 *   convnet detect --model DIR scene.png [--out boxes.png] [--json] [--score X]
 *       boxes, class names and scores of a trained detector on one image (PNG or JPEG, any size:
 *       the image is padded with black to a multiple of 8), drawn into --out
 *
 * and the detection branches of `convnet train --task detection` and `convnet eval` (a model
 * whose spec says task 'detection'), which train.ts and eval.ts call.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { digitScenes } from '../apps/detection/load-digit-scenes.js';
import { readCocoFolder } from '../apps/detection/coco-folder.js';
import { detectionRun } from '../apps/detection/detection-run.js';
import { detectImage } from '../apps/detection/detect-image.js';
import { detectorLayout } from '../apps/detection/detector-layout.js';
import { loadDetector } from '../apps/detection/detector-model.js';
import { drawDetections } from '../apps/detection/draw-detections.js';
import { evaluateDetector, formatDetectionMetrics } from '../apps/detection/evaluate-detector.js';
import { loadImage } from '../data/image-folder.js';
import { consoleReporter } from '../train/progress.js';
import { currentStepRunner } from '../train/step-runner.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import type { TrainedModel } from '../train/trained-model.js';
import { encodePng } from '../viz/png.js';
import {
  parseFraction,
  parsePositiveNumber,
  withBackendOptions,
  type CliOutput,
} from './options.js';

export const DETECTION_DATASET = 'digit-scenes';
export const DETECTION_MODEL = 'digit-detector';

/** The options of `convnet train` that the detection branch reads. */
export interface DetectionTrainFlags {
  dataset: string;
  model: string;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  seed: number;
  out?: string;
  limitTrain?: number;
  limitTest?: number;
  threads?: number;
  backend: BackendChoice;
}

/** `convnet train --task detection`: trains, evaluates and saves a digit detector and its report. */
export async function trainDetectionTask(
  flags: DetectionTrainFlags,
  output: CliOutput,
): Promise<void> {
  if (flags.dataset !== DETECTION_DATASET && flags.dataset !== 'mnist') {
    throw new Error(
      `--task detection trains on --dataset ${DETECTION_DATASET} only, got '${flags.dataset}'`,
    );
  }
  if (flags.model !== DETECTION_MODEL && flags.model !== 'seed-net') {
    throw new Error(
      `--task detection trains --model ${DETECTION_MODEL} only, got '${flags.model}'`,
    );
  }
  const out = flags.out ?? `runs/${DETECTION_DATASET}-${DETECTION_MODEL}`;
  const backend = await selectBackend(flags.backend, flags.threads);
  try {
    const reporter = consoleReporter({ stream: output.stdout });
    reporter.message(`kernels: ${backend.description}`);
    const run = await detectionRun(
      {
        epochs: flags.epochs,
        batchSize: flags.batchSize,
        lr: flags.lr,
        weightDecay: flags.weightDecay,
        seed: flags.seed,
        ...(flags.limitTrain === undefined ? {} : { trainScenes: flags.limitTrain }),
        ...(flags.limitTest === undefined
          ? {}
          : { testScenes: flags.limitTest, evalScenes: Math.min(flags.limitTest, 200) }),
      },
      out,
      reporter,
    );
    output.stdout.write(
      `training curves, example detections and report: ${run.files.map((f) => basename(f.path)).join(', ')}\n`,
    );
    output.stdout.write(
      `trained in ${run.trainSeconds.toFixed(1)} s; test AP@0.5 ${run.metrics.ap50.toFixed(3)}, AP@[.5:.95] ${run.metrics.ap.toFixed(3)}; detector saved in ${run.modelFile}\n`,
    );
  } finally {
    backend.dispose();
  }
}

/**
 * `convnet eval --model DIR` for a detector (a model whose task is 'detection'): AP on
 * digit-scenes test scenes at the detector's input size, or on a COCO folder.
 */
export function evalDetection(
  trained: TrainedModel,
  { dataset, limitTest, json }: { dataset?: string; limitTest?: number; json: boolean },
  output: CliOutput,
): void {
  const { model, dir } = trained;
  const layout = detectorLayout(trained.spec, model, dir);
  const source =
    dataset === undefined || dataset === DETECTION_DATASET ? null : readCocoFolder(dataset);
  const scenes =
    source === null
      ? digitScenes('test', limitTest ?? 2_000, { size: layout.imageSize[0] })
      : source.scenes.slice(0, limitTest);
  const classNames = source?.classNames ?? layout.classNames;
  const { metrics, seconds } = evaluateDetector(model, scenes, classNames.length, {
    stride: layout.stride,
  });
  if (json) {
    output.stdout.write(
      `${JSON.stringify({ model: dir, dataset: dataset ?? DETECTION_DATASET, images: scenes.length, classNames, ...metrics }, null, 2)}\n`,
    );
    return;
  }
  output.stdout.write(
    `detector ${trained.spec.name} from ${dir}; dataset ${dataset ?? `${DETECTION_DATASET} (test)`}, ${scenes.length} images, ${seconds.toFixed(1)} s\n${formatDetectionMetrics(metrics, classNames)}\n`,
  );
}

interface DetectFlags {
  model: string;
  out?: string;
  json: boolean;
  score: number;
  iou: number;
  scale: number;
  threads?: number;
  backend: BackendChoice;
}

/** `convnet detect`. */
export function detectCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('detect')
      .description('find, box and name the objects in an image with a trained detector')
      .argument('<image>', 'a PNG or JPEG image (grayscale is used)')
      .requiredOption(
        '--model <dir>',
        'a detector: the directory that convnet train --task detection --out DIR wrote, or its model.safetensors',
      )
      .option('--out <file>', 'write the image with boxes, class names and scores as PNG')
      .option('--json', 'print the detections as JSON', false)
      .addOption(
        new Option('--score <x>', 'keep detections scoring at least x')
          .argParser(parseFraction)
          .default(0.3),
      )
      .addOption(
        new Option('--iou <x>', 'class-wise NMS IoU threshold')
          .argParser(parseFraction)
          .default(0.5),
      )
      .addOption(
        new Option('--scale <n>', 'enlarge the drawn image n times')
          .argParser(parsePositiveNumber)
          .default(4),
      ),
  ).action(async function (this: Command, image: string) {
    const flags = this.opts<DetectFlags>();
    const backend = await selectBackend(flags.backend, flags.threads);
    try {
      const { model, layout } = await loadDetector(flags.model, { resident: true });
      const { classNames, stride } = layout;
      const { pixels, shape } = loadImage(image, { channels: 1 });
      const [, H, W] = shape;
      const start = performance.now();
      // In the backend's runStep: every activation lives in the kernels' memory, uncopied.
      const detections = currentStepRunner().runStep([], () =>
        detectImage(model, pixels, [H, W], {
          stride,
          scoreThreshold: flags.score,
          iouThreshold: flags.iou,
        }),
      );
      const ms = performance.now() - start;
      const named = detections.map((d) => ({
        ...d,
        className: classNames[d.label] ?? String(d.label),
      }));
      if (flags.out !== undefined) {
        writeFileSync(
          flags.out,
          encodePng(drawDetections(pixels, W, H, detections, classNames, Math.round(flags.scale))),
        );
      }
      if (flags.json) {
        output.stdout.write(
          `${JSON.stringify({ image, width: W, height: H, detections: named }, null, 2)}\n`,
        );
        return;
      }
      output.stdout.write(
        `${image}: ${detections.length} detection${detections.length === 1 ? '' : 's'} (${ms.toFixed(1)} ms)\n`,
      );
      for (const d of named) {
        const b = d.box;
        output.stdout.write(
          `  ${d.className}  ${d.score.toFixed(3)}  [${b.x1.toFixed(1)}, ${b.y1.toFixed(1)}, ${b.x2.toFixed(1)}, ${b.y2.toFixed(1)}]\n`,
        );
      }
      if (flags.out !== undefined) output.stdout.write(`boxes drawn in ${flags.out}\n`);
    } finally {
      backend.dispose();
    }
  });
}
