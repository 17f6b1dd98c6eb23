/**
 * Which algorithm the fast conv2d runs for a geometry: im2col + GEMM (any convolution) or
 * Winograd F(m x m, 3 x 3) (3x3, stride 1, dilation 1, one group), chosen by a measured rule
 * (docs/fast-backend.md, "Winograd"). Tests and measurements force a path with forceConv2dPath,
 * or for a whole process with the environment variable CONVNET_CONV2D_PATH (same values).
 */
import type { Conv2dGeometry } from '../../shape/conv2d.js';

export type Conv2dPath = 'im2col' | 'winograd2' | 'winograd4';

const PATHS: readonly Conv2dPath[] = ['im2col', 'winograd2', 'winograd4'];

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
 * runs where winogradApplies); null restores the rule. For tests and measurements.
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

/**
 * The rule, from forward timings of both paths on 1 and 2 threads (docs/fast-backend.md,
 * "Winograd"): F(4,3) wherever the channels and filters are at least 8, the output at least 8x8
 * and the batch's output positions N*OH*OW at least 784 (below that the filter transform, F*C
 * small f64 products per call, costs more than the multiplies saved: one 14x14 image); F(2,3)
 * for smaller outputs (F(4,3)'s tile rows, padded to 4 tiles of 4, waste most of a 7x7 output)
 * up to 64 channels and filters; im2col for the rest (few channels, where the transforms cost
 * more than the multiplies they save, and large layers on small outputs).
 */
function measuredRule(g: Conv2dGeometry): Conv2dPath {
  if (g.C < 8 || g.F < 8 || g.N * g.OH * g.OW < 784) return 'im2col';
  if (g.OH >= 8 && g.OW >= 8) return 'winograd4';
  if (g.C <= 64 && g.F <= 64) return 'winograd2';
  return 'im2col';
}

/** The path conv2d takes for this geometry (a convolution in its own right, or a gradient's). */
export function conv2dPath(g: Conv2dGeometry): Conv2dPath {
  if (!winogradApplies(g)) return 'im2col';
  return forced ?? measuredRule(g);
}

/**
 * The weight gradient's path: the forward's where that is F(4,3), im2col otherwise (its F(2,3)
 * was measured slower than im2col, so it runs only when forced).
 */
export function conv2dWeightGradientPath(g: Conv2dGeometry): Conv2dPath {
  if (!winogradApplies(g)) return 'im2col';
  if (forced !== null) return forced;
  return measuredRule(g) === 'winograd4' ? 'winograd4' : 'im2col';
}

/** Winograd's tile size m for a path. */
export function winogradTile(path: Conv2dPath): 2 | 4 {
  return path === 'winograd4' ? 4 : 2;
}
