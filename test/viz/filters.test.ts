import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../../src/kernels/reference/index.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { Flatten } from '../../src/nn/flatten.js';
import { Linear } from '../../src/nn/linear.js';
import { seedNet } from '../../src/nn/presets.js';
import { ReLU } from '../../src/nn/relu.js';
import { Sequential } from '../../src/nn/sequential.js';
import { filterGrid, filterLegend, filterTiles, firstConvLayer } from '../../src/viz/filters.js';
import { formatLegendValue, tileOrigin } from '../../src/viz/image-grid.js';
import { decodePng, getPixel } from '../../src/viz/png.js';
import { distinctColors } from './helpers.js';

describe('firstConvLayer', () => {
  it('finds the first Conv2d in running order, with its dotted name', () => {
    const found = firstConvLayer(seedNet());
    assert.equal(found?.name, 'features.0');
    assert.equal(firstConvLayer(new Sequential(new Flatten(), new Linear(4, 2))), null);
  });
});

describe('filterTiles', () => {
  it('draws RGB filters in colour, each filter normalised over its three channels', () => {
    const conv = new Conv2d(3, 2, 1, { bias: false });
    // Filter 0: red 1, green 0, blue -1 -> (255, 128, 0). Filter 1: all 5 -> mid-grey.
    conv.weight.data.set([1, 0, -1, 5, 5, 5]);
    const tiles = filterTiles(conv.weight);
    assert.equal(tiles.length, 2);
    assert.deepEqual(getPixel(tiles[0], 0, 0), [255, 128, 0]);
    assert.deepEqual(getPixel(tiles[1], 0, 0), [128, 128, 128]);
  });

  it('draws grey filters of C channels as C tiles per filter', () => {
    const conv = new Conv2d(2, 3, 2, { bias: false });
    conv.weight.data.set(Array.from({ length: 24 }, (_, i) => i % 8));
    const tiles = filterTiles(conv.weight);
    assert.equal(tiles.length, 6);
    // Filter f holds 0..7 over its two channels: channel 0 is 0..3 (dark), channel 1 is 4..7.
    assert.deepEqual(getPixel(tiles[0], 0, 0), [0, 0, 0]);
    assert.deepEqual(getPixel(tiles[1], 1, 1), [255, 255, 255]);
  });
});

describe('filterGrid', () => {
  it("draws seedNet's 32 first-layer 3x3 filters as a labelled 8x4 grid", async () => {
    const grid = await filterGrid(seedNet());
    assert.equal(grid.label, 'features.0 Conv2d filters (32,1,3,3)');
    const model = seedNet();
    const weights = Array.from(model.parameters()[0].data);
    assert.equal(
      filterLegend(model.parameters()[0]),
      `black = each filter's most negative weight, white = its most positive; weights from ${formatLegendValue(Math.min(...weights))} to ${formatLegendValue(Math.max(...weights))}`,
    );
    assert.ok(grid.layout.headerHeight > grid.layout.margin + 14 * 1.3, 'the legend has a line');
    const decoded = decodePng(grid.png);
    assert.equal(decoded.width, grid.layout.width);
    assert.equal(decoded.height, grid.layout.height);
    assert.deepEqual([grid.layout.columns, grid.layout.rows, grid.layout.tileWidth], [8, 4, 84]);
    for (let k = 0; k < 32; k++) {
      const { x, y } = tileOrigin(grid.layout, k);
      assert.ok(
        distinctColors(decoded, { x, y, width: 84, height: 84 }) > 1,
        `filter ${k} is not constant`,
      );
    }
  });

  it('puts the C channels of a filter in one row', async () => {
    const model = new Sequential(new Conv2d(4, 5, 3), new ReLU());
    const grid = await filterGrid(model);
    assert.deepEqual([grid.layout.columns, grid.layout.rows], [4, 5]);
  });

  it('needs a Conv2d', async () => {
    await assert.rejects(filterGrid(new Sequential(new Flatten())), /no Conv2d layer/);
  });
});
