/**
 * The training report: one self-contained HTML page with the training curves, the confusion
 * matrix, the per-epoch numbers and the run's settings. The images are inlined as data: URIs
 * and the style sheet is in the page, so the file loads nothing from anywhere: it can be mailed,
 * archived or opened offline.
 *
 * writeTrainingReport writes, into a directory (each file atomically):
 *
 *   training-curves.png    loss and accuracy per epoch, train and test (charts.ts)
 *   confusion-matrix.png   the test set's confusion matrix (charts.ts), when one is given
 *   report.html            the page
 *
 * The settings are any JSON object (for `convnet train`, its TrainConfig): each key is a row;
 * a nested object is a table inside its cell, an array of plain values is listed with commas,
 * null shows as "none".
 */
import type { JsonValue } from '../io/json.js';
import {
  confusionMatrixPng,
  trainingCurvesPng,
  type ConfusionMatrixOptions,
  type CurveRecord,
} from './charts.js';
import { writeOutputFile, type WrittenFile } from './output.js';
import { escapeXml, pngDataUri } from './svg.js';

export const REPORT_FILES = {
  curves: 'training-curves.png',
  confusion: 'confusion-matrix.png',
  html: 'report.html',
} as const;

/** A confusion matrix: counts[true][predicted], and the class names in order. */
export interface ConfusionInput {
  counts: readonly (readonly number[])[];
  classNames: readonly string[];
}

export interface TrainingReportContent {
  /** The page's heading; default 'Training report'. */
  title?: string;
  history: readonly CurveRecord[];
  confusion: ConfusionInput | null;
  settings: Readonly<Record<string, JsonValue>>;
}

/** A PNG to inline, and the width in CSS pixels to show it at (its pixels / the chart scale). */
export interface ReportImage {
  png: Uint8Array;
  displayWidth: number;
}

export interface ReportImages {
  /** training-curves.png. */
  curves: ReportImage;
  /** confusion-matrix.png, or null when there is no matrix. */
  confusion: ReportImage | null;
}

/** A PNG inlined as an <img> (a data: URI). */
export function reportImageHtml(image: ReportImage, alt: string): string {
  return `<img src="${pngDataUri(image.png)}" width="${Math.round(image.displayWidth)}" alt="${escapeXml(alt)}">`;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6
    ? String(Number(value.toPrecision(6)))
    : value.toExponential(4);
}

function isPlainValue(value: JsonValue): boolean {
  return value === null || typeof value !== 'object';
}

/** One setting's value as HTML. */
function valueHtml(value: JsonValue): string {
  if (value === null) return '<span class="none">none</span>';
  if (typeof value === 'number') return escapeXml(formatNumber(value));
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) {
    if (value.every(isPlainValue)) return value.map(valueHtml).join(', ');
    return `<code>${escapeXml(JSON.stringify(value))}</code>`;
  }
  return settingsTableHtml(value);
}

/** A JSON object as a two-column table (see the top of this file). */
export function settingsTableHtml(settings: Readonly<Record<string, JsonValue>>): string {
  const rows = Object.entries(settings).map(
    ([key, value]) => `<tr><th>${escapeXml(key)}</th><td>${valueHtml(value)}</td></tr>`,
  );
  if (rows.length === 0) return '<p class="none">no settings</p>';
  return `<table class="settings">\n${rows.join('\n')}\n</table>`;
}

function percent(value: number): string {
  return Number.isFinite(value) ? `${(100 * value).toFixed(2)}%` : String(value);
}

function loss(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

function historyTableHtml(history: readonly CurveRecord[]): string {
  const head =
    '<tr><th>epoch</th><th>train loss</th><th>train accuracy</th><th>test loss</th><th>test accuracy</th></tr>';
  const rows = history.map(
    (r) =>
      `<tr><td>${r.epoch}</td><td>${loss(r.trainLoss)}</td><td>${percent(r.trainAccuracy)}</td><td>${loss(r.testLoss)}</td><td>${percent(r.testAccuracy)}</td></tr>`,
  );
  return `<table class="history">\n${head}\n${rows.join('\n')}\n</table>`;
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.summary { color: #555; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
table.history td { text-align: right; font-variant-numeric: tabular-nums; }
table.settings table.settings { margin: -0.1rem 0; }
th { background: #f6f6f6; font-weight: 600; }
.none { color: #888; }
`;

/** A section of a report page: a heading and its HTML. */
export interface ReportSection {
  heading: string;
  html: string;
}

/** A self-contained report page: title, a one-line summary and the sections in order. */
export function renderReportPage({
  title,
  summary,
  sections,
}: {
  title: string;
  summary: string;
  sections: readonly ReportSection[];
}): string {
  const body = sections.map((s) => `<h2>${escapeXml(s.heading)}</h2>\n${s.html}`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="summary">${escapeXml(summary)}</p>
${body}
</body>
</html>
`;
}

/** A table of numbers: a header row and rows of cells (already formatted text). */
export function numberTableHtml(
  head: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const th = head.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`);
  return `<table class="history">\n<tr>${th}</tr>\n${tr.join('\n')}\n</table>`;
}

/** The report page, with the given PNGs inlined (see the top of this file). */
export function renderReportHtml(content: TrainingReportContent, images: ReportImages): string {
  const { title = 'Training report', history, confusion, settings } = content;
  const last = history.at(-1);
  const summary =
    last === undefined
      ? 'No epochs yet.'
      : `After epoch ${last.epoch}: test accuracy ${percent(last.testAccuracy)}, test loss ${loss(last.testLoss)}, train accuracy ${percent(last.trainAccuracy)}, train loss ${loss(last.trainLoss)}.`;
  const confusionHtml =
    images.confusion === null
      ? '<p class="none">No confusion matrix.</p>'
      : reportImageHtml(
          images.confusion,
          `Confusion matrix of the test set: rows the true class, columns the predicted class${confusion === null ? '' : ` (${confusion.classNames.join(', ')})`}`,
        );
  return renderReportPage({
    title,
    summary,
    sections: [
      {
        heading: 'Training curves',
        html: reportImageHtml(images.curves, 'Loss and accuracy per epoch, train and test'),
      },
      { heading: 'Confusion matrix', html: confusionHtml },
      { heading: 'Epochs', html: historyTableHtml(history) },
      { heading: 'Settings', html: settingsTableHtml(settings) },
    ],
  });
}

export interface WriteTrainingReportOptions extends TrainingReportContent {
  /** Where the files go (created if needed). */
  outDir: string;
  /** Pixels per SVG unit of the charts; default 2. */
  scale?: number;
  /** Passed to the confusion matrix chart (cell size, title). */
  confusionOptions?: Omit<ConfusionMatrixOptions, 'scale'>;
}

/** Draws the charts and writes them and the page into outDir; returns the files written. */
export async function writeTrainingReport({
  outDir,
  scale = 2,
  confusionOptions = {},
  ...content
}: WriteTrainingReportOptions): Promise<WrittenFile[]> {
  const curves = await trainingCurvesPng(content.history, { scale });
  const confusion =
    content.confusion === null
      ? null
      : await confusionMatrixPng(content.confusion.counts, content.confusion.classNames, {
          ...confusionOptions,
          scale,
        });
  const files = [await writeOutputFile(outDir, REPORT_FILES.curves, curves.png)];
  if (confusion !== null) {
    files.push(await writeOutputFile(outDir, REPORT_FILES.confusion, confusion.png));
  }
  const html = renderReportHtml(content, {
    curves: { png: curves.png, displayWidth: curves.width / scale },
    confusion:
      confusion === null ? null : { png: confusion.png, displayWidth: confusion.width / scale },
  });
  files.push(await writeOutputFile(outDir, REPORT_FILES.html, html));
  return files;
}
