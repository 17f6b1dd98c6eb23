/**
 * The first convolution's filters as a grid image: what the first layer looks for.
 *
 * The weight w:(F,C,KH,KW) of the first Conv2d (in the order the layers run) gives
 *
 *   C = 3      one colour tile per filter: channels 0, 1, 2 as red, green, blue
 *   otherwise  one grey tile per (filter, channel): F rows of C tiles (C = 1: one tile a filter)
 *
 * Each filter is normalised on its own, min-max over all its channels together (so a colour
 * filter keeps the balance between its channels): the most negative weight is black, the most
 * positive white, and a filter whose weights are all equal is mid-grey. See image-grid.ts. A
 * legend under the label says so and gives the weights' range.
 */
import { Conv2d } from '../nn/conv2d.js';
import type { Layer } from '../nn/module.js';
import { formatShape, type Tensor } from '../tensor.js';
import { namedLayerSequence } from './feature-maps.js';
import {
  formatLegendValue,
  finiteRange,
  normalizeToGrey,
  renderGrid,
  tileFromColors,
  type GridImage,
  type GridOptions,
} from './image-grid.js';
import type { Raster, Rgb } from './png.js';

/** The first Conv2d that runs in the model, with its dotted name; null if there is none. */
export function firstConvLayer(model: Layer): { name: string; conv: Conv2d } | null {
  for (const [name, layer] of namedLayerSequence(model)) {
    if (layer instanceof Conv2d) return { name, conv: layer };
  }
  return null;
}

/** The tiles of a conv weight (F,C,KH,KW), filter by filter (see the top of this file). */
export function filterTiles(weight: Tensor): Raster[] {
  if (weight.rank !== 4) {
    throw new RangeError(
      `filterTiles: a conv weight is (F,C,KH,KW), got ${formatShape(weight.shape)}`,
    );
  }
  const [F, C, KH, KW] = weight.shape;
  const plane = KH * KW;
  const tiles: Raster[] = [];
  for (let f = 0; f < F; f++) {
    const greys = normalizeToGrey(weight.data, f * C * plane, C * plane);
    if (C === 3) {
      const colors: Rgb[] = Array.from({ length: plane }, (_, p) => [
        greys[p][0],
        greys[plane + p][0],
        greys[2 * plane + p][0],
      ]);
      tiles.push(tileFromColors(colors, KW, KH));
    } else {
      for (let c = 0; c < C; c++) {
        tiles.push(tileFromColors(greys.slice(c * plane, (c + 1) * plane), KW, KH));
      }
    }
  }
  return tiles;
}

/** "features.0 Conv2d filters (32,1,3,3)". */
export function filterLabel(name: string, weight: Tensor): string {
  return `${name} Conv2d filters ${formatShape(weight.shape)}`;
}

/** "black = each filter's most negative weight, white = its most positive; weights from -0.61 to 0.58". */
export function filterLegend(weight: Tensor): string {
  const [min, max] = finiteRange(weight.data);
  return `black = each filter's most negative weight, white = its most positive; weights from ${formatLegendValue(min)} to ${formatLegendValue(max)}`;
}

/**
 * The grid image of the first convolution's filters; columns default to C for grey filters of
 * C > 1 channels (one row per filter).
 */
export async function filterGrid(model: Layer, options: GridOptions = {}): Promise<GridImage> {
  const first = firstConvLayer(model);
  if (first === null) throw new RangeError('filterGrid: the model has no Conv2d layer');
  const weight = first.conv.weight;
  const C = weight.shape[1];
  const perRow = C === 1 || C === 3 ? {} : { columns: C };
  return renderGrid(filterTiles(weight), filterLabel(first.name, weight), {
    ...perRow,
    legend: filterLegend(weight),
    ...options,
  });
}
