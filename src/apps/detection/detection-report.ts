/**
 * A detection run's report, beside its model file (Node): what classification's report is
 * (src/viz/report.ts) for a detector.
 *
 *   training-curves.png   the training loss and its terms per epoch; AP@0.5 and AP@[.5:.95] of
 *                         the per-epoch evaluation scenes
 *   detections.png        example test scenes with the detector's boxes, class names and scores
 *                         (score >= 0.3) drawn on them
 *   report.html           the page: both pictures, per-class AP, the epochs and the settings
 *   detection-run.json    the same numbers as data (settings, history, final metrics, timings)
 */
import type { JsonValue } from '../../io/json.js';
import { curvePanelsPng, type CurvePoint } from '../../viz/charts.js';
import { writeOutputFile, type WrittenFile } from '../../viz/output.js';
import { createRaster, encodePng, type Raster } from '../../viz/png.js';
import {
  numberTableHtml,
  renderReportPage,
  reportImageHtml,
  settingsTableHtml,
} from '../../viz/report.js';
import type { DetectionMetrics } from './average-precision.js';
import type { Detection } from './boxes.js';
import type { Scene } from './digit-scenes.js';
import { drawDetections } from './draw-detections.js';
import type { DetectionEpochRecord } from './train-detector.js';

export const DETECTION_REPORT_FILES = {
  curves: 'training-curves.png',
  examples: 'detections.png',
  html: 'report.html',
  data: 'detection-run.json',
} as const;

/** An epoch of training and the AP of that epoch's evaluation (NaN when none was made). */
export interface DetectionReportEpoch extends DetectionEpochRecord {
  ap50: number;
  ap: number;
}

export interface DetectionReportContent {
  title: string;
  history: readonly DetectionReportEpoch[];
  /** On the whole test set, after training. */
  metrics: DetectionMetrics;
  classNames: readonly string[];
  /** Scenes to draw, and the detector's detections on each. */
  examples: { scenes: readonly Scene[]; detections: readonly (readonly Detection[])[] };
  settings: Readonly<Record<string, JsonValue>>;
  /** The score from which an example's detection is drawn; default 0.3. */
  drawScore?: number;
}

/** The scenes with their detections drawn, in a grid of `columns`, each `scale` times. */
export function examplesRaster(
  scenes: readonly Scene[],
  detections: readonly (readonly Detection[])[],
  classNames: readonly string[],
  { columns = 4, scale = 2, minScore = 0.3, gap = 4 } = {},
): Raster {
  if (scenes.length === 0) throw new RangeError('examplesRaster: no scenes');
  const tiles = scenes.map((s, i) =>
    drawDetections(
      s.pixels,
      s.width,
      s.height,
      (detections[i] ?? []).filter((d) => d.score >= minScore),
      classNames,
      scale,
    ),
  );
  const cols = Math.min(columns, tiles.length);
  const rows = Math.ceil(tiles.length / cols);
  const tw = Math.max(...tiles.map((t) => t.width));
  const th = Math.max(...tiles.map((t) => t.height));
  const grid = createRaster(cols * tw + (cols + 1) * gap, rows * th + (rows + 1) * gap);
  tiles.forEach((t, i) => {
    const x0 = gap + (i % cols) * (tw + gap);
    const y0 = gap + Math.floor(i / cols) * (th + gap);
    for (let y = 0; y < t.height; y++) {
      const from = 4 * y * t.width;
      grid.data.set(t.data.subarray(from, from + 4 * t.width), 4 * ((y0 + y) * grid.width + x0));
    }
  });
  return grid;
}

function fixed(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
}

/** Writes the report's four files into outDir; returns them. */
export async function writeDetectionReport(
  outDir: string,
  content: DetectionReportContent,
): Promise<WrittenFile[]> {
  const { title, history, metrics, classNames, examples, settings, drawScore = 0.3 } = content;
  const lossPoints: CurvePoint[] = history.flatMap((r) => [
    { epoch: r.epoch, series: 'total', value: r.loss },
    { epoch: r.epoch, series: 'heatmap', value: r.heatmapLoss },
    { epoch: r.epoch, series: 'size x 0.1', value: 0.1 * r.sizeLoss },
    { epoch: r.epoch, series: 'offset', value: r.offsetLoss },
  ]);
  const apPoints: CurvePoint[] = history.flatMap((r) => [
    { epoch: r.epoch, series: 'AP@0.5', value: Number.isFinite(r.ap50) ? r.ap50 : null },
    { epoch: r.epoch, series: 'AP@[.5:.95]', value: Number.isFinite(r.ap) ? r.ap : null },
  ]);
  const curves = await curvePanelsPng([
    { title: 'Training loss', axisTitle: 'loss (per object)', percent: false, points: lossPoints },
    { title: 'Evaluation AP', axisTitle: 'AP', percent: true, points: apPoints },
  ]);
  const raster = examplesRaster(examples.scenes, examples.detections, classNames, {
    minScore: drawScore,
  });
  const examplesPng = encodePng(raster);
  const files = [
    await writeOutputFile(outDir, DETECTION_REPORT_FILES.curves, curves.png),
    await writeOutputFile(outDir, DETECTION_REPORT_FILES.examples, examplesPng),
  ];
  const perClass = numberTableHtml(
    ['class', 'AP@0.5', 'AP@[.5:.95]', 'objects'],
    metrics.perClass.map((c, k) => [
      classNames[k] ?? String(k),
      fixed(c.ap50),
      fixed(c.ap),
      String(c.count),
    ]),
  );
  const epochs = numberTableHtml(
    [
      'epoch',
      'loss',
      'heatmap',
      'size',
      'offset',
      'lr (first, last)',
      'img/s',
      'AP@0.5',
      'AP@[.5:.95]',
    ],
    history.map((r) => [
      String(r.epoch),
      fixed(r.loss, 4),
      fixed(r.heatmapLoss, 4),
      fixed(r.sizeLoss, 3),
      fixed(r.offsetLoss, 3),
      `${r.lrFirst.toExponential(2)}, ${r.lrLast.toExponential(2)}`,
      fixed(r.imagesPerSecond, 1),
      fixed(r.ap50),
      fixed(r.ap),
    ]),
  );
  const html = renderReportPage({
    title,
    summary: `Test set: AP@0.5 ${fixed(metrics.ap50)}, AP@[.5:.95] ${fixed(metrics.ap)}, AP@0.75 ${fixed(metrics.ap75)}.`,
    sections: [
      {
        heading: 'Training curves',
        html: reportImageHtml(
          { png: curves.png, displayWidth: curves.width / 2 },
          'Training loss terms and evaluation AP per epoch',
        ),
      },
      {
        heading: 'Example detections',
        html: reportImageHtml(
          { png: examplesPng, displayWidth: raster.width },
          `Test scenes with the boxes scoring at least ${drawScore}`,
        ),
      },
      { heading: 'Per-class AP (test set)', html: perClass },
      { heading: 'Epochs', html: epochs },
      { heading: 'Settings', html: settingsTableHtml(settings) },
    ],
  });
  files.push(await writeOutputFile(outDir, DETECTION_REPORT_FILES.html, html));
  const data = { settings, history, metrics, classNames: [...classNames] };
  files.push(
    await writeOutputFile(
      outDir,
      DETECTION_REPORT_FILES.data,
      `${JSON.stringify(data, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1)}\n`,
    ),
  );
  return files;
}
