/**
 * Which algorithm the fast conv2d runs for a geometry: im2col + GEMM (any convolution),
 * Winograd F(m x m, 3 x 3) (3x3, stride 1, dilation 1, one group) or direct (one group, forward
 * only: few input channels), chosen by a measured rule (docs/fast-backend.md, "Winograd" and
 * "Direct convolution"). Tests and measurements force a path with forceConv2dPath,
 * or for a whole process with the environment variable CONVNET_CONV2D_PATH (same values).
 */
import type { Conv2dGeometry } from '../../shape/conv2d.js';

export type Conv2dPath =
  'im2col' | 'winograd2' | 'winograd4' | 'winograd5' | 'winograd5x7' | 'direct';

/**
 * The Winograd paths and their tile codes: m for F(m x m, 3 x 3), and 57 for F(5 x 7, 3 x 3)
 * (5 rows by 7 columns, assembly/lib/winograd-layout.ts).
 */
const WINOGRAD_TILES = { winograd2: 2, winograd4: 4, winograd5: 5, winograd5x7: 57 } as const;
type WinogradPath = keyof typeof WINOGRAD_TILES;
export type WinogradTile = (typeof WINOGRAD_TILES)[WinogradPath];

/** A tile's output rows and columns (assembly/lib/winograd-layout.ts's tileHeight, tileWidth). */
function tileShape(m: WinogradTile): [height: number, width: number] {
  return m === 57 ? [5, 7] : [m, m];
}

/**
 * Whether a tile runs with SIMD lanes across images (assembly/winograd5.ts: F(5,3), F(5 x 7)) or
 * across adjacent tiles (assembly/winograd.ts: F(2,3), F(4,3)).
 */
export function lanesAcrossImages(m: WinogradTile): boolean {
  return m === 5 || m === 57;
}

const PATHS: readonly Conv2dPath[] = ['im2col', ...keysOf(WINOGRAD_TILES), 'direct'];

function keysOf<T extends object>(record: T): (keyof T)[] {
  return Object.keys(record) as (keyof T)[];
}

function fromEnvironment(): Conv2dPath | null {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process;
  const value = process?.env?.CONVNET_CONV2D_PATH;
  if (value === undefined || value === '' || value === 'auto') return null;
  if (!(PATHS as readonly string[]).includes(value))
    throw new Error(
      `CONVNET_CONV2D_PATH: '${value}' is not a conv2d path (auto, ${PATHS.join(', ')})`,
    );
  return value as Conv2dPath;
}

let forced: Conv2dPath | null = fromEnvironment();

/**
 * Forces every later conv2d on the fast backend to one path where it applies (Winograd only
 * runs where winogradApplies, direct where directApplies, and only forward); null restores the
 * rule. For tests and measurements.
 */
export function forceConv2dPath(path: Conv2dPath | null): void {
  forced = path;
}

/** Runs `body` with the path forced, then restores the previous setting. */
export function withConv2dPath<T>(path: Conv2dPath | null, body: () => T): T {
  const previous = forced;
  forced = path;
  try {
    return body();
  } finally {
    forced = previous;
  }
}

/** A 3x3 convolution with stride 1, dilation 1 and one group: what the Winograd kernels compute. */
export function winogradApplies(g: Conv2dGeometry): boolean {
  return (
    g.KH === 3 &&
    g.KW === 3 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.dilationH === 1 &&
    g.dilationW === 1 &&
    g.groups === 1
  );
}

/** One group: what the direct kernel computes (any kernel size, stride, padding, dilation). */
export function directApplies(g: Conv2dGeometry): boolean {
  return g.groups === 1;
}

/** Whether a path is one of the Winograd tiles (they alone serve the gradients too). */
export function isWinograd(path: Conv2dPath): path is WinogradPath {
  return path in WINOGRAD_TILES;
}

/**
 * The direct rule, where Winograd's rule leaves im2col: one group, a kernel larger than 1x1 and a
 * reduction R = C*KH*KW of at most 75 (3x3 on up to 8 channels, 5x5 on up to 3). Timed by
 * scripts/direct-speed.ts (batch 64 and 1, 1 and 2 threads, forward and fused with ReLU and
 * pooling, load 3.9-4.8; docs/fast-backend.md, "Direct convolution"): 1.3-1.9x im2col on the seed
 * net's 1 -> 32 at 28x28, 2.0-2.7x on the U-Net's 1 -> 8 at 64x96, 1.3-1.6x from R = 18 to 75
 * with 32 filters, 1.4-1.7x at stride 2, 2.6-3.3x with 2 to 8 filters (im2col pads them to the
 * GEMM's tile). A 1x1 kernel, which im2col runs as a plain GEMM on x itself, lost (0.8-1.0x).
 * Larger R was not timed; 3x3 layers that Winograd takes were not timed against direct.
 */
const DIRECT_MAX_R = 75;

function directRule(g: Conv2dGeometry): boolean {
  return directApplies(g) && g.KH * g.KW > 1 && g.C * g.KH * g.KW <= DIRECT_MAX_R;
}

/**
 * The rule, from timings of the paths on 1 and 2 threads (docs/fast-backend.md, "Winograd"):
 *
 * - im2col below 8 channels or filters (the transforms cost more than the multiplies they save),
 *   below 576 output positions N*OH*OW in the batch (one 14x14 or 20x20 image: the per-call
 *   filter transform, F*C small f64 products, costs more than it saves; not where the filters
 *   are kept from an earlier call, see conv2dPath), and above 256 x 256 channels and filters;
 * - F(2,3) from 576 to 783 positions (one 24x24 image, the detector's batch-1 layers: 1.2-1.9x
 *   im2col at 16-96 channels, where F(4,3)'s padded tile rows waste more);
 * - F(4,3) on outputs of at least 8x8 up to 128 x 128 channels and filters (beyond, its
 *   transformed filters, 36*F*C floats, leave the cache for every block of tiles);
 * - F(2,3) on larger layers (up to 256 x 256) and on outputs under 8x8 (F(4,3)'s tile rows,
 *   padded to groups of four 4-wide tiles, would compute 16x16 for 7x7) up to 64 x 64, or
 *   128 x 128 with filters kept (a batch-1 4x6 U-Net bottleneck, 128 -> 128: 0.21 ms against
 *   im2col's 0.29 on one thread);
 * - lanes across images instead of either, up to 128 x 128, where they transform at most 0.8 of
 *   their positions, by F(5 x 7) or F(5,3) (byImageLanes; not for the weight gradient,
 *   `imageLanes` false).
 */
function measuredRule(g: Conv2dGeometry, filtersKept: boolean, imageLanes = true): Conv2dPath {
  const pairs = g.C * g.F;
  const positions = g.N * g.OH * g.OW;
  if (g.C < 8 || g.F < 8 || pairs > 256 * 256) return 'im2col';
  if (positions < 576 && !filtersKept) return 'im2col';
  if (positions < 784 && positions >= 576) return pairs <= 128 * 128 ? 'winograd2' : 'im2col';
  const large = g.OH >= 8 && g.OW >= 8;
  if (large && pairs <= 128 * 128) return (imageLanes && byImageLanes(g, 4)) || 'winograd4';
  if (large || pairs <= 64 * 64 || (filtersKept && pairs <= 128 * 128))
    return (imageLanes && pairs <= 128 * 128 && byImageLanes(g, 2)) || 'winograd2';
  return 'im2col';
}

/**
 * Transformed positions of the batch, the GEMM's work: F(m,3) with lanes across tiles
 * (assembly/winograd.ts, m = 2 or 4: tile rows padded to groups of 4 tiles) or F(5,3) and
 * F(5 x 7) with lanes across images (assembly/winograd5.ts: batches padded to octets of images).
 */
function transformedPositions(g: Conv2dGeometry, m: WinogradTile): number {
  const [height, width] = tileShape(m);
  const tilesH = Math.ceil(g.OH / height);
  const tilesW = Math.ceil(g.OW / width);
  const patch = (height + 2) * (width + 2);
  if (lanesAcrossImages(m)) return 8 * Math.ceil(g.N / 8) * tilesH * tilesW * patch;
  return g.N * tilesH * 4 * Math.ceil(tilesW / 4) * patch;
}

/**
 * Lanes across images where they transform at most 0.8 of F(m,3)'s positions: measured for
 * F(5,3), 0.83-0.87 of F(4,3)'s time for the seed net's 14x14 layer at batch 64 (0.77 of its
 * positions) and 0.86 at 24x24 (0.71), but 1.00 at 28x28 (0.875) and 1.16 for 8 images at 32x48
 * (0.99). Of their two tiles, F(5 x 7) where it transforms at most 0.9 of F(5,3)'s positions (the
 * seed net's 14x14 layer: 378 against 441 an image, 0.857), else F(5,3), the more accurate
 * (docs/fast-backend.md, "Winograd"). False where neither is taken.
 */
function byImageLanes(g: Conv2dGeometry, m: 2 | 4): 'winograd5' | 'winograd5x7' | false {
  const tile = transformedPositions(g, 57) <= 0.9 * transformedPositions(g, 5) ? 57 : 5;
  if (transformedPositions(g, tile) > 0.8 * transformedPositions(g, m)) return false;
  return tile === 57 ? 'winograd5x7' : 'winograd5';
}

/**
 * The path conv2d takes for this geometry (a convolution in its own right, or a gradient's;
 * 'direct' only serves forwards, so an input gradient given it runs im2col, conv2d.ts).
 * `filtersKept`: the call reuses transformed filters from an earlier one (inference,
 * weight-cache.ts), so the filter transform's cost, which keeps layers under 576
 * positions on im2col, is not paid: a 14x14 layer of one image takes F(4,3), measured 0.19 ms
 * against im2col's 0.29 ms for 32 -> 64 channels on one thread (best of 37, load 5).
 */
export function conv2dPath(g: Conv2dGeometry, filtersKept = false): Conv2dPath {
  if (forced === 'direct') return directApplies(g) ? 'direct' : 'im2col';
  if (forced !== null) return winogradApplies(g) ? forced : 'im2col';
  const winograd = winogradApplies(g) ? measuredRule(g, filtersKept) : 'im2col';
  if (winograd !== 'im2col') return winograd;
  return directRule(g) ? 'direct' : 'im2col';
}

/**
 * The weight gradient's path: the forward's, except F(2,3) up to 128 x 128 channels and filters,
 * which was measured no faster than im2col there (it wins on the larger layers), and without
 * F(5,3), a forward kernel (the rule as if it did not exist; F(4,3) where it is forced).
 */
export function conv2dWeightGradientPath(g: Conv2dGeometry): 'im2col' | 'winograd2' | 'winograd4' {
  if (!winogradApplies(g)) return 'im2col';
  if (forced === 'winograd5' || forced === 'winograd5x7') return 'winograd4';
  if (forced !== null) return forced === 'winograd2' || forced === 'winograd4' ? forced : 'im2col';
  const path = measuredRule(g, false, false);
  if (path === 'winograd2' && g.C * g.F <= 128 * 128) return 'im2col';
  return path === 'winograd2' || path === 'winograd4' ? path : 'im2col';
}

/** Winograd's tile code for a Winograd path. */
export function winogradTile(path: WinogradPath): WinogradTile {
  return WINOGRAD_TILES[path];
}
