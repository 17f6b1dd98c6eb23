/**
 * Tensors as pictures: maps normalised to grey levels, tiled into a labelled grid.
 *
 * Normalisation is min-max, per tile: the smallest value of a map is black, the largest white,
 *
 *   grey = round(255 * (v - min) / (max - min))
 *
 * so each map shows its own contrast whatever its scale (a map of values in [0, 0.01] is as
 * visible as one in [0, 100]; compare shapes, not brightness, across tiles). A constant map has
 * nothing to show and is drawn mid-grey (128); a non-finite value (NaN, Infinity) is drawn red
 * and left out of min and max.
 *
 * A grid image is laid out as
 *
 *   +--------------------------------------------+
 *   | features.0 Conv2d (32,28,28)               |   header: the label, DejaVu Sans Mono
 *   | +----+ +----+ +----+ +----+ +----+ ...     |
 *   | |    | |    | |    | |    | |    |         |   tiles: `columns` per row, row-major,
 *   | +----+ +----+ +----+ +----+ +----+         |   `gap` pixels apart, `margin` from the edge
 *   | +----+ ...                                 |
 *   +--------------------------------------------+
 *
 * with a thin line (FRAME_COLOR) just outside each tile, in the gap, and every tile enlarged
 * `scale` times by nearest neighbour (each value becomes a scale x scale
 * block, so a 28x28 map at scale 3 is 84x84 pixels and no value is blurred into another).
 * gridLayout() computes the geometry; tileOrigin() says where tile i is, which is what the tests
 * use to find a tile in a decoded image.
 */
import { formatShape } from '../tensor.js';
import type { FloatArray } from '../tensor.js';
import type { FeatureMap } from './feature-maps.js';
import {
  BLACK,
  MID_GREY,
  NON_FINITE_RED,
  WHITE,
  createRaster,
  encodePng,
  setPixel,
  type Raster,
  type Rgb,
} from './png.js';
import { escapeXml, labelWidth, MONO_FONT, pngDataUri, svgToPng } from './svg.js';

/** Tiles are enlarged to about this many pixels on their longer side by default. */
export const TARGET_TILE_SIZE = 84;
/** The thin line around each tile, so that white or black tiles stand apart from each other. */
export const FRAME_COLOR: Rgb = [120, 132, 150];
/** A vector (1,K) is laid out in rows of at most this many values. */
export const VECTOR_COLUMNS = 64;

export interface GridOptions {
  /** Tiles per row; default: 8, or more for many tiles (about a square grid past 64). */
  columns?: number;
  /** Nearest-neighbour enlargement, a positive integer; default: about TARGET_TILE_SIZE. */
  scale?: number;
  /** Pixels between tiles; default 2. */
  gap?: number;
  /** Pixels around the grid and the label; default 8. */
  margin?: number;
  /** The label's font size in pixels; default 14. */
  fontSize?: number;
  /** A second header line under the label: what black and white mean, the values' range. */
  legend?: string;
  /** Text under each tile (one per tile), e.g. a class name and its score. */
  tileLabels?: readonly string[];
}

/** Where everything in a grid image is, in pixels. */
export interface GridLayout {
  count: number;
  columns: number;
  rows: number;
  scale: number;
  /** A tile's size in the image (its map's size times scale). */
  tileWidth: number;
  tileHeight: number;
  gap: number;
  margin: number;
  fontSize: number;
  /** The label band at the top (and the legend's line); the first row of tiles starts below it. */
  headerHeight: number;
  /** The width a tile takes in its row: tileWidth, or its label's width when that is wider. */
  cellWidth: number;
  /** The band under each row of tiles for their labels (0 without tileLabels). */
  labelHeight: number;
  /** The whole image. */
  width: number;
  height: number;
}

/** A grid image: PNG bytes and the layout they were drawn with. */
export interface GridImage {
  png: Uint8Array;
  width: number;
  height: number;
  label: string;
  layout: GridLayout;
}

/** The default number of tiles per row for `count` tiles. */
export function defaultColumns(count: number): number {
  return Math.max(1, Math.min(count, Math.max(8, Math.ceil(Math.sqrt(count)))));
}

/** The default enlargement of a tile of this size. */
export function defaultScale(width: number, height: number): number {
  return Math.max(1, Math.floor(TARGET_TILE_SIZE / Math.max(width, height)));
}

function checkPositiveInteger(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`image grid: ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** The geometry of a grid of `count` tiles of (width x height) values with this label. */
export function gridLayout(
  count: number,
  tileSize: { width: number; height: number },
  label: string,
  options: GridOptions = {},
): GridLayout {
  checkPositiveInteger(count, 'the number of tiles', 1);
  const {
    columns = defaultColumns(count),
    scale = defaultScale(tileSize.width, tileSize.height),
    gap = 2,
    margin = 8,
    fontSize = 14,
    legend,
    tileLabels,
  } = options;
  checkPositiveInteger(columns, 'columns', 1);
  checkPositiveInteger(scale, 'scale', 1);
  checkPositiveInteger(gap, 'gap', 0);
  checkPositiveInteger(margin, 'margin', 0);
  checkPositiveInteger(fontSize, 'fontSize', 1);
  if (tileLabels !== undefined && tileLabels.length !== count) {
    throw new RangeError(`image grid: ${tileLabels.length} tile labels for ${count} tiles`);
  }
  const usedColumns = Math.min(columns, count);
  const rows = Math.ceil(count / usedColumns);
  const tileWidth = tileSize.width * scale;
  const tileHeight = tileSize.height * scale;
  const line = Math.ceil(fontSize * 1.3);
  const headerHeight = margin + (legend === undefined ? line : 2 * line);
  const labelSize = tileLabelFontSize(fontSize);
  const labelHeight = tileLabels === undefined ? 0 : Math.ceil(labelSize * 1.4);
  const cellWidth = Math.max(
    tileWidth,
    ...(tileLabels ?? []).map((text) => labelWidth(text, labelSize) + 4),
  );
  const gridWidth = usedColumns * cellWidth + (usedColumns - 1) * gap;
  const gridHeight = rows * (tileHeight + labelHeight) + (rows - 1) * gap;
  return {
    count,
    columns: usedColumns,
    rows,
    scale,
    tileWidth,
    tileHeight,
    gap,
    margin,
    fontSize,
    headerHeight,
    cellWidth,
    labelHeight,
    width:
      2 * margin +
      Math.max(
        gridWidth,
        labelWidth(label, fontSize),
        legend === undefined ? 0 : labelWidth(legend, fontSize),
      ),
    height: headerHeight + margin + gridHeight + margin,
  };
}

/** The top-left pixel of tile `index` (row-major) in a grid image. */
export function tileOrigin(layout: GridLayout, index: number): { x: number; y: number } {
  if (!Number.isInteger(index) || index < 0 || index >= layout.count) {
    throw new RangeError(`tileOrigin: tile ${index} of ${layout.count}`);
  }
  const row = Math.floor(index / layout.columns);
  const column = index % layout.columns;
  return {
    x:
      layout.margin +
      column * (layout.cellWidth + layout.gap) +
      Math.floor((layout.cellWidth - layout.tileWidth) / 2),
    y:
      layout.headerHeight +
      layout.margin +
      row * (layout.tileHeight + layout.labelHeight + layout.gap),
  };
}

/** The font size of the text under tiles. */
function tileLabelFontSize(fontSize: number): number {
  return Math.max(8, fontSize - 3);
}

/** A value for a legend: 3 significant digits, exponent only when very small or large. */
export function formatLegendValue(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5
    ? String(Number(v.toPrecision(3)))
    : v.toExponential(2);
}

/** The smallest and largest finite values (NaN, NaN when there are none). */
export function finiteRange(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : [NaN, NaN];
}

/** The grey of each value by min-max over values[start, start + length) (see the top). */
export function normalizeToGrey(
  values: ArrayLike<number>,
  start = 0,
  length = values.length,
): Rgb[] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < start + length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  const colors: Rgb[] = [];
  for (let i = start; i < start + length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      colors.push(NON_FINITE_RED);
    } else if (!(range > 0) || !Number.isFinite(range)) {
      colors.push(MID_GREY);
    } else {
      const grey = Math.round((255 * (v - min)) / range);
      colors.push([grey, grey, grey]);
    }
  }
  return colors;
}

/** A tile of (height x width) colours given row-major; cells past colors.length stay `fill`. */
export function tileFromColors(
  colors: readonly Rgb[],
  width: number,
  height: number,
  fill: Rgb = WHITE,
): Raster {
  const tile = createRaster(width, height, fill);
  for (let i = 0; i < colors.length && i < width * height; i++) {
    setPixel(tile, i % width, Math.floor(i / width), colors[i]);
  }
  return tile;
}

/** One tile per channel of a (1,C,H,W) output, each normalised on its own. */
export function channelTiles(data: FloatArray, C: number, H: number, W: number): Raster[] {
  const plane = H * W;
  return Array.from({ length: C }, (_, c) =>
    tileFromColors(normalizeToGrey(data, c * plane, plane), W, H),
  );
}

/**
 * One tile of a (1,K) output: rows of up to VECTOR_COLUMNS values, normalised together; the
 * cells after the last value are FRAME_COLOR.
 */
export function vectorTile(data: FloatArray): Raster {
  const columns = Math.min(data.length, VECTOR_COLUMNS);
  const rows = Math.ceil(data.length / columns);
  return tileFromColors(normalizeToGrey(data), columns, rows, FRAME_COLOR);
}

/** A 1-pixel FRAME_COLOR line just outside tile `index` (hidden under neighbours when gap is 0). */
function drawFrame(canvas: Raster, layout: GridLayout, index: number): void {
  const { x, y } = tileOrigin(layout, index);
  const x0 = Math.max(0, x - 1);
  const y0 = Math.max(0, y - 1);
  const x1 = Math.min(canvas.width - 1, x + layout.tileWidth);
  const y1 = Math.min(canvas.height - 1, y + layout.tileHeight);
  for (let px = x0; px <= x1; px++) {
    setPixel(canvas, px, y0, FRAME_COLOR);
    setPixel(canvas, px, y1, FRAME_COLOR);
  }
  for (let py = y0; py <= y1; py++) {
    setPixel(canvas, x0, py, FRAME_COLOR);
    setPixel(canvas, x1, py, FRAME_COLOR);
  }
}

/** Copies a tile into the canvas at its place, each value a scale x scale block. */
function drawTile(canvas: Raster, layout: GridLayout, index: number, tile: Raster): void {
  const origin = tileOrigin(layout, index);
  const { scale } = layout;
  for (let y = 0; y < layout.tileHeight; y++) {
    const from = Math.floor(y / scale) * tile.width;
    const to = (origin.y + y) * canvas.width + origin.x;
    for (let x = 0; x < layout.tileWidth; x++) {
      const source = 4 * (from + Math.floor(x / scale));
      canvas.data.set(tile.data.subarray(source, source + 4), 4 * (to + x));
    }
  }
}

/**
 * Draws tiles (all of one size) into a grid image with a label above them. The tiles are
 * enlarged by nearest neighbour; the label is drawn by svg.ts in DejaVu Sans Mono.
 */
export async function renderGrid(
  tiles: readonly Raster[],
  label: string,
  options: GridOptions = {},
): Promise<GridImage> {
  if (tiles.length === 0) throw new RangeError(`renderGrid: no tiles for '${label}'`);
  const { width: W, height: H } = tiles[0];
  for (const tile of tiles) {
    if (tile.width !== W || tile.height !== H) {
      throw new RangeError(
        `renderGrid: tiles must have one size, got ${W}x${H} and ${tile.width}x${tile.height}`,
      );
    }
  }
  const layout = gridLayout(tiles.length, { width: W, height: H }, label, options);
  const canvas = createRaster(layout.width, layout.height, WHITE);
  for (let index = 0; index < tiles.length; index++) drawFrame(canvas, layout, index);
  tiles.forEach((tile, index) => drawTile(canvas, layout, index, tile));
  const baseline = layout.margin + layout.fontSize;
  const text = (x: number, y: number, size: number, content: string, anchor = 'start') =>
    `<text x="${x}" y="${y}" font-family="${MONO_FONT}" font-size="${size}" text-anchor="${anchor}" fill="rgb(${BLACK.join(',')})">${escapeXml(content)}</text>`;
  const legendLine =
    options.legend === undefined
      ? []
      : [
          text(
            layout.margin,
            baseline + Math.ceil(layout.fontSize * 1.3),
            layout.fontSize,
            options.legend,
          ),
        ];
  const labelSize = tileLabelFontSize(layout.fontSize);
  const tileLabelLines = (options.tileLabels ?? []).map((content, index) => {
    const { x, y } = tileOrigin(layout, index);
    return text(
      x + layout.tileWidth / 2,
      y + layout.tileHeight + labelSize + 2,
      labelSize,
      content,
      'middle',
    );
  });
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">`,
    `<image x="0" y="0" width="${layout.width}" height="${layout.height}" xlink:href="${pngDataUri(encodePng(canvas))}"/>`,
    text(layout.margin, baseline, layout.fontSize, label),
    ...legendLine,
    ...tileLabelLines,
    '</svg>',
  ].join('');
  const rendered = await svgToPng(svg);
  return { ...rendered, label, layout };
}

/** "features.0 Conv2d (32,28,28)": the layer's name, type and output shape without the batch. */
export function featureMapLabel(map: Pick<FeatureMap, 'name' | 'type' | 'shape'>): string {
  return `${map.name} ${map.type} ${formatShape(map.shape.slice(1))}`;
}

/** The legend of a grid of maps each normalised on its own: what black and white are, the range. */
export function mapLegend(values: ArrayLike<number>, what: string): string {
  const [min, max] = finiteRange(values);
  const range = Number.isNaN(min)
    ? 'no finite values'
    : `values from ${formatLegendValue(min)} to ${formatLegendValue(max)}${min >= 0 ? ' (all >= 0)' : max <= 0 ? ' (all <= 0)' : ''}`;
  return `black = ${what} lowest, white = highest; ${range}`;
}

/**
 * The grid image of one layer's output: a (1,C,H,W) output as C tiles, a (1,K) output as one
 * tile of rows of up to VECTOR_COLUMNS values (enlarged to cells of at least 2 pixels). With
 * `classNames` (one per value of a (1,K) output: the model's scores), the K values are K tiles
 * normalised together, each labelled with its class name and score. A legend line under the
 * label says what black and white mean and gives the range of the values.
 */
export async function featureMapGrid(
  map: FeatureMap,
  options: GridOptions = {},
  classNames?: readonly string[],
): Promise<GridImage> {
  const { shape, output } = map;
  const label = featureMapLabel(map);
  if (shape.length === 4 && shape[0] === 1) {
    const [, C, H, W] = shape;
    const legend = mapLegend(output.data, "each map's");
    return renderGrid(channelTiles(output.data, C, H, W), label, { legend, ...options });
  }
  if (shape.length === 2 && shape[0] === 1) {
    const K = shape[1];
    if (classNames !== undefined && classNames.length === K) {
      const colors = normalizeToGrey(output.data);
      const tiles = colors.map((color) => tileFromColors([color], 1, 1));
      const tileLabels = classNames.map(
        (name, k) => `${name} ${formatLegendValue(output.data[k])}`,
      );
      return renderGrid(tiles, `${label} class scores`, {
        legend: mapLegend(output.data, 'the'),
        tileLabels,
        scale: 28,
        columns: Math.min(K, 10),
        ...options,
      });
    }
    const tile = vectorTile(output.data);
    const scale = Math.min(24, Math.max(2, Math.floor(512 / tile.width)));
    return renderGrid([tile], label, { scale, legend: mapLegend(output.data, 'the'), ...options });
  }
  throw new RangeError(
    `featureMapGrid: ${map.name} (${map.type}) outputs ${formatShape(shape)}; only (1,C,H,W) maps and (1,K) vectors can be drawn`,
  );
}
