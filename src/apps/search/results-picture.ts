/**
 * The picture of a search: the query, then its k nearest gallery images, each captioned with its
 * rank, label and cosine distance, in one row (src/viz/image-grid.ts draws the grid). When the
 * query's label is known, each result's tile gets a 1-pixel border (before enlargement): green
 * when its label matches, red when it does not.
 */
import { createRaster, setPixel, type Raster, type Rgb } from '../../viz/png.js';
import { renderGrid, type GridImage } from '../../viz/image-grid.js';

const MATCH: Rgb = [0, 170, 0];
const MISMATCH: Rgb = [220, 0, 0];

/** An image (C,H,W) with values in [0,1] (1 or 3 channels) as a raster. */
export function imageTile(pixels: ArrayLike<number>, [C, H, W]: readonly number[]): Raster {
  const tile = createRaster(W, H);
  const byte = (v: number): number => Math.round(255 * Math.min(1, Math.max(0, v)));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const at = (c: number): number => byte(pixels[c * H * W + y * W + x]);
      setPixel(tile, x, y, C === 3 ? [at(0), at(1), at(2)] : [at(0), at(0), at(0)]);
    }
  }
  return tile;
}

function border(tile: Raster, color: Rgb): Raster {
  for (let x = 0; x < tile.width; x++) {
    setPixel(tile, x, 0, color);
    setPixel(tile, x, tile.height - 1, color);
  }
  for (let y = 0; y < tile.height; y++) {
    setPixel(tile, 0, y, color);
    setPixel(tile, tile.width - 1, y, color);
  }
  return tile;
}

export interface PictureResult {
  tile: Raster;
  label: string;
  distance: number;
}

/** The query beside its results (see the top of this file). */
export function searchPicture(
  query: Raster,
  results: readonly PictureResult[],
  { title, queryLabel = null }: { title: string; queryLabel?: string | null },
): Promise<GridImage> {
  const tiles = [
    query,
    ...results.map((r) =>
      queryLabel === null ? r.tile : border(r.tile, r.label === queryLabel ? MATCH : MISMATCH),
    ),
  ];
  const captions = [
    queryLabel === null ? 'query' : `query: ${queryLabel}`,
    ...results.map((r, i) => `${i + 1}. ${r.label} ${r.distance.toFixed(3)}`),
  ];
  return renderGrid(tiles, title, { columns: tiles.length, tileLabels: captions });
}
