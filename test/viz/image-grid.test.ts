import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../../src/kernels/reference/index.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { ReLU } from '../../src/nn/relu.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { captureFeatureMaps } from '../../src/viz/feature-maps.js';
import {
  FRAME_COLOR,
  defaultColumns,
  featureMapGrid,
  mapLegend,
  gridLayout,
  normalizeToGrey,
  renderGrid,
  tileFromColors,
  tileOrigin,
  type GridLayout,
} from '../../src/viz/image-grid.js';
import { MID_GREY, NON_FINITE_RED, decodePng, getPixel, type Raster } from '../../src/viz/png.js';
import { distinctColors } from './helpers.js';

/** The grey level of each value of tile `index` (read at the centre of each scale x scale block). */
function tileValues(
  image: Raster,
  layout: GridLayout,
  index: number,
  W: number,
  H: number,
): number[][] {
  const { x, y } = tileOrigin(layout, index);
  const half = Math.floor(layout.scale / 2);
  return Array.from({ length: H }, (_, i) =>
    Array.from({ length: W }, (_, j) => {
      const [r, g, b] = getPixel(image, x + j * layout.scale + half, y + i * layout.scale + half);
      assert.ok(r === g && g === b, `tile ${index} (${i},${j}) is grey`);
      return r;
    }),
  );
}

describe('normalizeToGrey', () => {
  it('maps min to black and max to white, each range on its own', () => {
    assert.deepEqual(
      normalizeToGrey([2, 4, 6]).map((c) => c[0]),
      [0, 128, 255],
    );
    assert.deepEqual(
      normalizeToGrey([0.001, 0.002, 0.003]).map((c) => c[0]),
      [0, 128, 255],
    );
    assert.deepEqual(
      normalizeToGrey([9, 9, -1, 1, 0, 9], 2, 3).map((c) => c[0]),
      [0, 255, 128],
    );
  });

  it('draws a constant map mid-grey, never NaN', () => {
    assert.deepEqual(normalizeToGrey([3, 3, 3, 3]), [MID_GREY, MID_GREY, MID_GREY, MID_GREY]);
    assert.deepEqual(normalizeToGrey([0]), [MID_GREY]);
  });

  it('draws non-finite values red and leaves them out of min and max', () => {
    const colors = normalizeToGrey([NaN, 0, Infinity, 10]);
    assert.deepEqual(colors, [NON_FINITE_RED, [0, 0, 0], NON_FINITE_RED, [255, 255, 255]]);
  });
});

describe('gridLayout', () => {
  it('lays tiles out row-major with gaps, margins and a header', () => {
    const layout = gridLayout(32, { width: 28, height: 28 }, 'x', {});
    assert.equal(layout.columns, 8);
    assert.equal(layout.rows, 4);
    assert.equal(layout.scale, 3);
    assert.equal(layout.tileWidth, 84);
    assert.equal(layout.width, 2 * 8 + 8 * 84 + 7 * 2);
    assert.equal(layout.height, layout.headerHeight + 8 + 4 * 84 + 3 * 2 + 8);
    assert.deepEqual(tileOrigin(layout, 0), { x: 8, y: layout.headerHeight + 8 });
    assert.deepEqual(tileOrigin(layout, 9), { x: 8 + 86, y: layout.headerHeight + 8 + 86 });
    assert.throws(() => tileOrigin(layout, 32), /tile 32 of 32/);
  });

  it('widens the image for a long label and checks its options', () => {
    const label = 'a'.repeat(100);
    const layout = gridLayout(1, { width: 3, height: 3 }, label, { scale: 2 });
    assert.ok(layout.width >= 100 * 0.6 * 14);
    assert.throws(
      () => gridLayout(4, { width: 3, height: 3 }, '', { scale: 1.5 }),
      /scale must be an integer >= 1/,
    );
    assert.throws(() => gridLayout(0, { width: 3, height: 3 }, ''), /number of tiles/);
  });

  it('defaults to 8 columns, about a square past 64 tiles', () => {
    assert.deepEqual([1, 6, 8, 32, 64, 128, 256].map(defaultColumns), [1, 6, 8, 8, 8, 12, 16]);
  });
});

describe('renderGrid', () => {
  it('draws every tile at its place, enlarged by nearest neighbour, framed', async () => {
    const tiles = Array.from({ length: 5 }, (_, k) =>
      tileFromColors(normalizeToGrey([0, k, 2 * k + 1, 4]), 2, 2),
    );
    const image = await renderGrid(tiles, 'five tiles', { columns: 3, scale: 4 });
    const decoded = decodePng(image.png);
    assert.equal(decoded.width, image.width);
    assert.equal(decoded.height, image.height);
    const { layout } = image;
    assert.equal(layout.rows, 2);
    tiles.forEach((tile, k) => {
      const { x, y } = tileOrigin(layout, k);
      for (let i = 0; i < 8; i++) {
        for (let j = 0; j < 8; j++) {
          assert.deepEqual(
            getPixel(decoded, x + j, y + i),
            getPixel(tile, Math.floor(j / 4), Math.floor(i / 4)),
            `tile ${k} pixel (${i},${j})`,
          );
        }
      }
      assert.deepEqual(getPixel(decoded, x - 1, y - 1), FRAME_COLOR);
    });
    // The label is drawn: the header band is not blank.
    assert.ok(
      distinctColors(decoded, { x: 0, y: 0, width: decoded.width, height: layout.headerHeight }) >
        2,
    );
  });
});

describe('featureMapGrid', () => {
  it('draws a vertical-edge filter on a vertical edge as a bright column on black', async () => {
    // Image (1,1,12,12): dark on the left (columns 0..5), bright on the right (6..11).
    const image = Tensor.zeros([1, 1, 12, 12]);
    for (let i = 0; i < 12; i++) for (let j = 6; j < 12; j++) image.data[i * 12 + j] = 1;
    const conv = new Conv2d(1, 1, 3, { bias: false });
    // A Prewitt-style vertical-edge filter: right column minus left column.
    conv.weight.data.set([-1, 0, 1, -1, 0, 1, -1, 0, 1]);
    const maps = captureFeatureMaps(new Sequential(conv, new ReLU()), image);
    const map = maps[0];
    assert.deepEqual(map.shape, [1, 1, 10, 10]);
    const grid = await featureMapGrid(map);
    assert.equal(grid.label, '0 Conv2d (1,10,10)');
    const decoded = decodePng(grid.png);
    assert.equal(grid.layout.count, 1);
    assert.equal(grid.layout.scale, 8);
    const values = tileValues(decoded, grid.layout, 0, 10, 10);
    // Output column j sees input columns j..j+2: the edge (between 5 and 6) is in columns 4 and 5.
    for (const row of values) {
      assert.deepEqual(row, [0, 0, 0, 0, 255, 255, 0, 0, 0, 0]);
    }
  });

  it('draws each of C maps as a tile, each normalised on its own', async () => {
    const C = 11;
    const data = Tensor.zeros([1, C, 4, 5]);
    const rng = new Rng(3);
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < 20; p++)
        data.data[c * 20 + p] = c === 10 ? 7 : (c + 1) * 100 * rng.uniform();
    }
    const grid = await featureMapGrid({
      name: 'features.1',
      type: 'ReLU',
      shape: data.shape,
      output: data,
    });
    const decoded = decodePng(grid.png);
    const { layout } = grid;
    assert.equal(grid.label, 'features.1 ReLU (11,4,5)');
    assert.equal(decoded.width, layout.width);
    assert.equal(decoded.height, layout.height);
    // The number of tiles follows from the image's size (its width is the legend's).
    assert.equal(layout.cellWidth, layout.tileWidth);
    const columns = layout.columns;
    assert.ok(decoded.width >= 2 * layout.margin + 8 * layout.tileWidth + 7 * layout.gap);
    const rows =
      (decoded.height - layout.headerHeight - 2 * layout.margin + layout.gap) /
      (layout.tileHeight + layout.gap);
    assert.deepEqual([columns, rows], [8, 2]);
    for (let c = 0; c < C; c++) {
      const values = tileValues(decoded, layout, c, 5, 4).flat();
      if (c === 10) {
        assert.ok(
          values.every((v) => v === 128),
          'the constant map is mid-grey',
        );
      } else {
        assert.equal(Math.min(...values), 0, `map ${c} has black`);
        assert.equal(Math.max(...values), 255, `map ${c} has white`);
        assert.ok(new Set(values).size > 5, `map ${c} is not constant`);
      }
    }
  });

  it('draws a (1,K) vector as one tile of rows of 64 values', async () => {
    const vector = Tensor.from(
      Array.from({ length: 130 }, (_, k) => k),
      [1, 130],
    );
    const grid = await featureMapGrid({
      name: 'classifier.1',
      type: 'Linear',
      shape: vector.shape,
      output: vector,
    });
    assert.equal(grid.layout.count, 1);
    assert.equal(grid.layout.tileWidth, 64 * grid.layout.scale);
    assert.equal(grid.layout.tileHeight, 3 * grid.layout.scale);
    const decoded = decodePng(grid.png);
    const { x, y } = tileOrigin(grid.layout, 0);
    const s = grid.layout.scale;
    assert.deepEqual(getPixel(decoded, x, y), [0, 0, 0]);
    assert.deepEqual(getPixel(decoded, x + s, y + 2 * s), [255, 255, 255]);
  });

  it('gives maps a legend: what black and white are, and the range with its sign', async () => {
    assert.equal(
      mapLegend([0, 0.5, 2], "each map's"),
      "black = each map's lowest, white = highest; values from 0 to 2 (all >= 0)",
    );
    assert.equal(
      mapLegend([-1.234567, 3], 'the'),
      'black = the lowest, white = highest; values from -1.23 to 3',
    );
    const maps = Tensor.from([-2, 1, 0, 5], [1, 1, 2, 2]);
    const grid = await featureMapGrid({
      name: 'f',
      type: 'Conv2d',
      shape: maps.shape,
      output: maps,
    });
    const plain = await renderGrid(
      [tileFromColors(normalizeToGrey(maps.data), 2, 2)],
      'f Conv2d (1,2,2)',
      { scale: grid.layout.scale },
    );
    assert.ok(grid.layout.headerHeight > plain.layout.headerHeight, 'a second header line');
    assert.ok(grid.width > plain.width, 'as wide as the legend');
  });

  it("labels the model's output with the class names and their scores", async () => {
    const scores = Tensor.from([-1, 4, 0.5], [1, 3]);
    const grid = await featureMapGrid(
      { name: 'classifier.3', type: 'Linear', shape: scores.shape, output: scores },
      {},
      ['cat', 'dog', 'wide class name'],
    );
    assert.equal(grid.layout.count, 3, 'one tile per class');
    assert.ok(grid.layout.labelHeight > 0);
    assert.ok(grid.layout.cellWidth > grid.layout.tileWidth, 'cells as wide as the longest name');
    assert.equal(grid.label, 'classifier.3 Linear (3) class scores');
    const decoded = decodePng(grid.png);
    const centre = (k: number) => {
      const { x, y } = tileOrigin(grid.layout, k);
      return getPixel(decoded, x + grid.layout.tileWidth / 2, y + grid.layout.tileHeight / 2);
    };
    assert.deepEqual(
      [centre(0), centre(1)],
      [
        [0, 0, 0],
        [255, 255, 255],
      ],
    );
    // Text was drawn under the tiles: dark pixels in the label band below tile 2.
    const { x, y } = tileOrigin(grid.layout, 2);
    let dark = 0;
    for (
      let py = y + grid.layout.tileHeight + 1;
      py < y + grid.layout.tileHeight + grid.layout.labelHeight;
      py++
    ) {
      for (let px = x - 30; px < x + grid.layout.tileWidth + 30; px++) {
        if (px >= 0 && px < decoded.width && getPixel(decoded, px, py)[0] < 100) dark++;
      }
    }
    assert.ok(dark > 10, `${dark} dark pixels of text under the tile`);
    await assert.rejects(
      renderGrid([tileFromColors([MID_GREY], 1, 1)], 'x', { tileLabels: ['a', 'b'] }),
      /2 tile labels for 1 tiles/,
    );
  });

  it('refuses outputs it cannot draw', async () => {
    const t = Tensor.zeros([1, 2, 3]);
    await assert.rejects(
      featureMapGrid({ name: 'x', type: 'Odd', shape: t.shape, output: t }),
      /x \(Odd\) outputs \(1,2,3\)/,
    );
  });
});
