/**
 * Evaluating a detector on scenes: decode each batch's maps (decode.ts) and score the boxes
 * against the scenes' objects with COCO AP (average-precision.ts). Scenes of any size whose sides
 * are multiples of 8 (the detector is fully convolutional); batches share one size.
 */
import type { Graph } from '../../nn/graph/graph.js';
import { averagePrecision, type DetectionMetrics } from './average-precision.js';
import type { Detection } from './boxes.js';
import { decodeDetections, type DecodeOptions } from './decode.js';
import type { Scene } from './digit-scenes.js';
import { forEachPrediction } from './train-detector.js';

export interface EvaluateDetectorOptions extends DecodeOptions {
  batchSize?: number;
}

/** Every scene's detections, in order. */
export function detectScenes(
  model: Graph,
  scenes: readonly Scene[],
  { batchSize = 64, ...decode }: EvaluateDetectorOptions = {},
): Detection[][] {
  const all: Detection[][] = [];
  forEachPrediction(model, scenes, batchSize, (maps, first) => {
    const { height, width } = scenes[first];
    all.push(...decodeDetections(maps, { ...decode, imageSize: [height, width] }));
  });
  return all;
}

export function evaluateDetector(
  model: Graph,
  scenes: readonly Scene[],
  numClasses: number,
  options: EvaluateDetectorOptions = {},
): { metrics: DetectionMetrics; detections: Detection[][]; seconds: number } {
  const start = performance.now();
  const detections = detectScenes(model, scenes, options);
  const metrics = averagePrecision(
    detections,
    scenes.map((s) => s.objects),
    numClasses,
  );
  return { metrics, detections, seconds: (performance.now() - start) / 1000 };
}

/** 'AP@0.5 0.953  AP@[.5:.95] 0.712  AP@0.75 0.80' and a line of per-class APs. */
export function formatDetectionMetrics(m: DetectionMetrics, classNames: readonly string[]): string {
  const f = (v: number) => (Number.isNaN(v) ? '  n/a' : v.toFixed(3));
  const lines = [
    `AP@0.5 ${f(m.ap50)}  AP@[.5:.95] ${f(m.ap)}  AP@0.75 ${f(m.ap75)}`,
    'class   AP@0.5  AP@[.5:.95]  objects',
  ];
  m.perClass.forEach((c, k) =>
    lines.push(
      `${(classNames[k] ?? String(k)).padEnd(6)}  ${f(c.ap50).padStart(6)}  ${f(c.ap).padStart(11)}  ${String(c.count).padStart(7)}`,
    ),
  );
  return lines.join('\n');
}
