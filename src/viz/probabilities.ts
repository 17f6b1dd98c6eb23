/**
 * Class probabilities as a bar chart PNG: one horizontal bar per class, in class order, labelled
 * with the class name and its probability; the most probable class is drawn in orange, the others
 * in blue, and the title names it. Drawn with Vega-Lite (vega-render.ts).
 *
 * The probabilities are the softmax of the model's output for one image (visualize.ts), so they
 * are in [0, 1] and sum to 1; probabilitiesPng checks the first and not the second.
 */
import type { TopLevelSpec } from 'vega-lite';
import { argmax } from '../train/metrics.js';
import type { RenderedPng } from './svg.js';
import { CHART_CONFIG, renderVegaLite } from './vega-render.js';

export interface ProbabilitiesOptions {
  /** The chart's width in SVG units; default 420. The height grows with the classes. */
  width?: number;
  /** Pixels per SVG unit; default 2. */
  scale?: number;
  /** Default: 'prediction: <class> (<probability>)'. */
  title?: string;
}

/** The chart's height in SVG units for K classes. */
export function probabilitiesHeight(K: number): number {
  return 70 + 22 * K;
}

/** '99.7%', '100%' (from 99.95%), '0.3%', '<0.1%', '0%'. */
export function formatPercent(p: number): string {
  if (p === 0) return '0%';
  if (p < 0.0005) return '<0.1%';
  return p >= 0.9995 ? '100%' : `${(100 * p).toFixed(1)}%`;
}

/** The bar chart of one image's class probabilities (see the top of this file). */
export async function probabilitiesPng(
  probabilities: readonly number[],
  classNames: readonly string[],
  { width = 420, scale = 2, title }: ProbabilitiesOptions = {},
): Promise<RenderedPng> {
  const K = probabilities.length;
  if (K === 0) throw new RangeError('probabilitiesPng: no probabilities');
  if (classNames.length !== K) {
    throw new RangeError(
      `probabilitiesPng: ${K} probabilities but ${classNames.length} class names (${classNames.join(', ')})`,
    );
  }
  if (new Set(classNames).size !== K) {
    throw new RangeError(`probabilitiesPng: class names must differ: ${classNames.join(', ')}`);
  }
  probabilities.forEach((p, k) => {
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(
        `probabilitiesPng: the probability of ${classNames[k]} must be in [0, 1], got ${p}`,
      );
    }
  });
  const top = argmax(probabilities);
  const bars = probabilities.map((p, k) => ({
    className: classNames[k],
    probability: p,
    label: formatPercent(p),
    top: k === top,
  }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    padding: { top: 8, left: 8, bottom: 8, right: 44 },
    width,
    height: probabilitiesHeight(K),
    title: title ?? `prediction: ${classNames[top]} (${formatPercent(probabilities[top])})`,
    data: { values: bars },
    encoding: {
      y: {
        field: 'className',
        type: 'nominal',
        sort: [...classNames],
        title: 'class',
        axis: { labelLimit: 160 },
      },
      x: {
        field: 'probability',
        type: 'quantitative',
        title: 'probability',
        scale: { domain: [0, 1] },
        axis: { format: '.0%' },
      },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          color: {
            field: 'top',
            type: 'nominal',
            scale: { domain: [false, true], range: ['#4c78a8', '#f58518'] },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
  return renderVegaLite(spec, scale);
}
