/**
 * Training charts as PNG images, drawn with Vega-Lite (vega-render.ts):
 *
 *   trainingCurvesPng   two panels side by side: loss per epoch and accuracy per epoch, each
 *                       with a train line and a test line. The input is the training history,
 *                       one record per epoch, as src/train/history.ts keeps it (only epoch,
 *                       trainLoss, trainAccuracy, testLoss and testAccuracy are read). A
 *                       non-finite value (a diverged epoch) leaves a gap in its line.
 *   confusionMatrixPng  the test set's confusion matrix: rows the true class, columns the
 *                       predicted class, each cell its count; the colour is the cell's share of
 *                       its row (the diagonal is each class's recall), so rare classes show as
 *                       clearly as common ones.
 *
 *   curvePanelsPng      the same, for any panels of named lines over epochs (a detector's loss
 *                       terms and its AP, say).
 *
 * Each returns the PNG and its size: exactly the chart's size in SVG units times `scale`.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EpochRecord } from '../train/history.js';
import type { ChartSize, RenderedPng } from './svg.js';
import { svgToPng } from './svg.js';
import { CHART_CONFIG, placeSvg, renderVegaLite, vegaLiteToSvg } from './vega-render.js';

/** What the curves read of each epoch's record. */
export type CurveRecord = Pick<
  EpochRecord,
  'epoch' | 'trainLoss' | 'trainAccuracy' | 'testLoss' | 'testAccuracy'
>;

/** The colours of the two splits (Tableau 10's blue and orange, Vega's defaults). */
export const SPLIT_COLORS = { train: '#4c78a8', test: '#f58518' } as const;

export interface TrainingCurvesOptions {
  /** One panel's size in SVG units; default 400 x 280. */
  panelWidth?: number;
  panelHeight?: number;
  /** Pixels per SVG unit; default 2. */
  scale?: number;
}

/** One point of a line: its series (the legend's entry), epoch and value (null: a gap). */
export interface CurvePoint {
  epoch: number;
  series: string;
  value: number | null;
}

/** A panel of lines over epochs. */
export interface CurvePanel {
  title: string;
  axisTitle: string;
  /** Values are fractions, shown as percentages. */
  percent: boolean;
  points: readonly CurvePoint[];
  /** The series in legend order, with their colours; default Vega's order of appearance. */
  colors?: Readonly<Record<string, string>>;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function checkHistory(history: readonly CurveRecord[]): void {
  if (history.length === 0) throw new RangeError('trainingCurvesPng: the history has no epochs');
  history.forEach((record, i) => {
    if (!Number.isFinite(record.epoch)) {
      throw new RangeError(`trainingCurvesPng: record ${i} has epoch ${record.epoch}`);
    }
  });
}

function panelSpec(
  { title, axisTitle, percent, points, colors }: CurvePanel,
  { width, height }: { width: number; height: number },
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width,
    height,
    title,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: 'epoch',
        axis: { tickMinStep: 1, format: 'd' },
        scale: { zero: false },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: axisTitle,
        scale: { zero: false },
        ...(percent ? { axis: { format: '.0%' } } : {}),
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        ...(colors === undefined
          ? {}
          : { scale: { domain: Object.keys(colors), range: Object.values(colors) } }),
        legend: { orient: percent ? 'bottom-right' : 'top-right' },
      },
    },
  };
}

/** Panels of lines over epochs, side by side, as one PNG. */
export async function curvePanelsPng(
  panels: readonly CurvePanel[],
  { panelWidth = 400, panelHeight = 280, scale = 2 }: TrainingCurvesOptions = {},
): Promise<RenderedPng> {
  if (panels.length === 0) throw new RangeError('curvePanelsPng: no panels');
  const size = { width: panelWidth, height: panelHeight };
  const svgs = await Promise.all(panels.map((panel) => vegaLiteToSvg(panelSpec(panel, size))));
  const width = panels.length * panelWidth;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${panelHeight}" viewBox="0 0 ${width} ${panelHeight}">`,
    ...svgs.map((panel, i) => placeSvg(panel, i * panelWidth, 0)),
    '</svg>',
  ].join('');
  return svgToPng(svg, { scale, background: 'white' });
}

/** Loss and accuracy per epoch, train and test, side by side (see the top of this file). */
export async function trainingCurvesPng(
  history: readonly CurveRecord[],
  options: TrainingCurvesOptions = {},
): Promise<RenderedPng> {
  checkHistory(history);
  const series = (train: keyof CurveRecord, test: keyof CurveRecord): CurvePoint[] =>
    history.flatMap((r) => [
      { epoch: r.epoch, series: 'train', value: finiteOrNull(r[train]) },
      { epoch: r.epoch, series: 'test', value: finiteOrNull(r[test]) },
    ]);
  const colors = { train: SPLIT_COLORS.train, test: SPLIT_COLORS.test };
  return curvePanelsPng(
    [
      {
        title: 'Loss',
        axisTitle: 'cross-entropy',
        percent: false,
        points: series('trainLoss', 'testLoss'),
        colors,
      },
      {
        title: 'Accuracy',
        axisTitle: 'accuracy',
        percent: true,
        points: series('trainAccuracy', 'testAccuracy'),
        colors,
      },
    ],
    options,
  );
}

export interface ConfusionMatrixOptions {
  /** A cell's size in SVG units (the chart grows with the classes); default 36. */
  cellSize?: number;
  /** Pixels per SVG unit; default 2. */
  scale?: number;
  /** Default: 'Confusion matrix (accuracy X%)'. */
  title?: string;
}

/** Whether the predicted-class labels along the top are turned (names longer than 3 characters). */
function turnedLabels(longestName: number): boolean {
  return longestName > 3;
}

/**
 * The chart's size in SVG units for K classes with names up to `longestName` characters: the
 * cells, the class names beside and above them (turned 45 degrees when long), the title, the
 * axis titles and the colour legend.
 */
export function confusionMatrixSize(K: number, longestName: number, cellSize = 36): ChartSize {
  const nameWidth = 7 * Math.min(longestName, 24);
  const left = 30 + nameWidth + 10;
  const top = 30 + 22 + (turnedLabels(longestName) ? Math.ceil(0.75 * nameWidth) + 10 : 20);
  return {
    width: 16 + left + K * cellSize + 110,
    height: 16 + top + K * cellSize,
  };
}

function checkConfusion(
  counts: readonly (readonly number[])[],
  classNames: readonly string[],
): void {
  const K = counts.length;
  if (K === 0) throw new RangeError('confusionMatrixPng: the matrix has no rows');
  if (classNames.length !== K) {
    throw new RangeError(
      `confusionMatrixPng: ${K} rows but ${classNames.length} class names (${classNames.join(', ')})`,
    );
  }
  if (new Set(classNames).size !== K) {
    throw new RangeError(`confusionMatrixPng: class names must differ: ${classNames.join(', ')}`);
  }
  counts.forEach((row, t) => {
    if (row.length !== K) {
      throw new RangeError(`confusionMatrixPng: row ${t} has ${row.length} columns, expected ${K}`);
    }
    row.forEach((c, p) => {
      if (!(Number.isFinite(c) && c >= 0)) {
        throw new RangeError(
          `confusionMatrixPng: counts[${t}][${p}] must be a count >= 0, got ${c}`,
        );
      }
    });
  });
}

/** The confusion matrix as a heat map with counts (see the top of this file). */
export async function confusionMatrixPng(
  counts: readonly (readonly number[])[],
  classNames: readonly string[],
  { cellSize = 36, scale = 2, title }: ConfusionMatrixOptions = {},
): Promise<RenderedPng> {
  checkConfusion(counts, classNames);
  const K = counts.length;
  let total = 0;
  let correct = 0;
  const cells = counts.flatMap((row, t) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    total += rowTotal;
    correct += row[t];
    return row.map((count, p) => ({
      actual: classNames[t],
      predicted: classNames[p],
      count,
      share: rowTotal === 0 ? 0 : count / rowTotal,
    }));
  });
  const accuracyText =
    total === 0 ? 'no images' : `accuracy ${((100 * correct) / total).toFixed(2)}%`;
  const longestName = Math.max(...classNames.map((n) => n.length));
  const size = confusionMatrixSize(K, longestName, cellSize);
  const labelAngle = turnedLabels(longestName) ? -45 : 0;
  const axis = { field: 'predicted', type: 'ordinal', sort: [...classNames] } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CHART_CONFIG, axis: { ...CHART_CONFIG.axis, labelLimit: 170 } },
    ...size,
    title: title ?? `Confusion matrix (${accuracyText})`,
    data: { values: cells },
    encoding: {
      x: {
        ...axis,
        title: 'predicted class',
        axis: { orient: 'top', labelAngle, ...(labelAngle === 0 ? {} : { labelAlign: 'left' }) },
      },
      y: { ...axis, field: 'actual', title: 'true class' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'share',
            type: 'quantitative',
            title: 'share of row',
            scale: { domain: [0, 1], range: ['#f7fbff', '#08306b'] },
            legend: { format: '.0%' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: Math.max(8, Math.min(12, cellSize / 3)) },
        encoding: {
          text: { field: 'count', type: 'quantitative', format: 'd' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
  return renderVegaLite(spec, scale);
}
