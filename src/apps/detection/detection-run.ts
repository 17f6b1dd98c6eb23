/**
 * A whole detection run (what `convnet train --task detection` does): digit-scenes train and
 * test sets, the digitDetector, trainDetector with AP on the first `evalScenes` test scenes after
 * each epoch (the curves), evaluation on the whole test set, and in `out`:
 *
 *   model.safetensors     the detector in the project's model format (detector-model.ts)
 *   training-curves.png, detections.png, report.html, detection-run.json   (detection-report.ts)
 *
 * Node only; the kernels are whichever backend is selected (the CLI selects wasm).
 */
import type { ProgressReporter } from '../../train/progress.js';
import { silentReporter } from '../../train/progress.js';
import type { WrittenFile } from '../../viz/output.js';
import type { DetectionMetrics } from './average-precision.js';
import { digitDetector } from './digit-detector.js';
import { makeScene } from './digit-scenes.js';
import { writeDetectionReport, type DetectionReportEpoch } from './detection-report.js';
import { saveDetector } from './detector-model.js';
import { evaluateDetector, formatDetectionMetrics } from './evaluate-detector.js';
import { DIGIT_SCENES_CLASS_NAMES, digitScenes, digitSceneDigits } from './load-digit-scenes.js';
import { trainDetector } from './train-detector.js';

export interface DetectionRunConfig {
  trainScenes: number;
  testScenes: number;
  /** Test scenes evaluated after each epoch (the curves); 0: none. */
  evalScenes: number;
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
  evalScenes: 200,
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
  history: DetectionReportEpoch[];
  metrics: DetectionMetrics;
  trainSeconds: number;
  evalSeconds: number;
  modelFile: string;
  /** The report's files. */
  files: WrittenFile[];
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
  const evalSet = test.slice(0, c.evalScenes);
  const model = digitDetector({
    numClasses: 10,
    seed: c.seed,
    imageSize: c.imageSize,
    width: c.width,
  });
  reporter.message(
    `detection: digit-scenes ${c.trainScenes} train / ${c.testScenes} test scenes (${c.imageSize}x${c.imageSize}), digitDetector width ${c.width}, ${c.epochs} epochs`,
  );
  const history: DetectionReportEpoch[] = [];
  let evalDuringTraining = 0;
  const start = performance.now();
  await trainDetector({
    model,
    train: { count: c.trainScenes, scene: (i) => makeScene(trainDigits, i, options) },
    numClasses: 10,
    epochs: c.epochs,
    batchSize: c.batchSize,
    lr: c.lr,
    weightDecay: c.weightDecay,
    seed: c.seed,
    reporter,
    onEpochEnd: (record) => {
      if (evalSet.length === 0) {
        history.push({ ...record, ap50: NaN, ap: NaN });
        return;
      }
      const { metrics, seconds } = evaluateDetector(model, evalSet, 10);
      evalDuringTraining += seconds;
      history.push({ ...record, ap50: metrics.ap50, ap: metrics.ap });
      reporter.message(
        `  AP@0.5 ${metrics.ap50.toFixed(3)}  AP@[.5:.95] ${metrics.ap.toFixed(3)} on ${evalSet.length} test scenes (${seconds.toFixed(1)} s)`,
      );
    },
  });
  const trainSeconds = (performance.now() - start) / 1000 - evalDuringTraining;
  const { metrics, detections, seconds: evalSeconds } = evaluateDetector(model, test, 10);
  reporter.message(formatDetectionMetrics(metrics, DIGIT_SCENES_CLASS_NAMES));
  const modelFile = await saveDetector(out, model, {
    classNames: DIGIT_SCENES_CLASS_NAMES,
    seed: c.seed,
    dataset: 'digit-scenes',
  });
  const shown = Math.min(8, test.length);
  const files = await writeDetectionReport(out, {
    title: `Training report: digit-detector on digit-scenes`,
    history,
    metrics,
    classNames: DIGIT_SCENES_CLASS_NAMES,
    examples: { scenes: test.slice(0, shown), detections: detections.slice(0, shown) },
    settings: { ...c, trainSeconds, evalSeconds },
  });
  return { config: c, history, metrics, trainSeconds, evalSeconds, modelFile, files };
}
