/**
 * A whole detection run (what `convnet train --task detection` does): digit-scenes train and
 * test sets, the digitDetector, trainDetector, evaluation on the test scenes (AP), and the
 * trained detector saved in `out` (detector-files.ts) with its history and metrics. Node only.
 */
import type { ProgressReporter } from '../../train/progress.js';
import { silentReporter } from '../../train/progress.js';
import type { DetectionMetrics } from './average-precision.js';
import { digitDetector } from './digit-detector.js';
import { makeScene } from './digit-scenes.js';
import { saveDetector } from './detector-files.js';
import { evaluateDetector, formatDetectionMetrics } from './evaluate-detector.js';
import { DIGIT_SCENES_CLASS_NAMES, digitScenes, digitSceneDigits } from './load-digit-scenes.js';
import { trainDetector, type DetectionEpochRecord } from './train-detector.js';

export interface DetectionRunConfig {
  trainScenes: number;
  testScenes: number;
  imageSize: number;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** The detector's channel width at stride 4. */
  width: number;
  seed: number;
}

export const DEFAULT_DETECTION_RUN: DetectionRunConfig = {
  trainScenes: 8_000,
  testScenes: 2_000,
  imageSize: 96,
  epochs: 6,
  batchSize: 32,
  lr: 2e-3,
  weightDecay: 0,
  width: 32,
  seed: 0,
};

export interface DetectionRunResult {
  config: DetectionRunConfig;
  history: DetectionEpochRecord[];
  metrics: DetectionMetrics;
  trainSeconds: number;
  evalSeconds: number;
}

export async function detectionRun(
  config: Partial<DetectionRunConfig>,
  out: string,
  reporter: ProgressReporter = silentReporter,
): Promise<DetectionRunResult> {
  const c = { ...DEFAULT_DETECTION_RUN, ...config };
  const options = { size: c.imageSize, seed: c.seed };
  const trainDigits = digitSceneDigits('train');
  const test = digitScenes('test', c.testScenes, options);
  const model = digitDetector({
    numClasses: 10,
    seed: c.seed,
    imageSize: c.imageSize,
    width: c.width,
  });
  reporter.message(
    `detection: digit-scenes ${c.trainScenes} train / ${c.testScenes} test scenes (${c.imageSize}x${c.imageSize}), digitDetector width ${c.width}, ${c.epochs} epochs`,
  );
  const start = performance.now();
  const history = await trainDetector({
    model,
    train: { count: c.trainScenes, scene: (i) => makeScene(trainDigits, i, options) },
    numClasses: 10,
    epochs: c.epochs,
    batchSize: c.batchSize,
    lr: c.lr,
    weightDecay: c.weightDecay,
    seed: c.seed,
    reporter,
  });
  const trainSeconds = (performance.now() - start) / 1000;
  const { metrics, seconds: evalSeconds } = evaluateDetector(model, test, 10);
  reporter.message(formatDetectionMetrics(metrics, DIGIT_SCENES_CLASS_NAMES));
  await saveDetector(out, model, {
    classNames: DIGIT_SCENES_CLASS_NAMES,
    imageSize: [c.imageSize, c.imageSize],
    extra: { config: c, history, metrics, trainSeconds, evalSeconds },
  });
  return { config: c, history, metrics, trainSeconds, evalSeconds };
}
