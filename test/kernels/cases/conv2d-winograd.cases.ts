/**
 * conv2d forced onto each Winograd path (src/kernels/wasm/conv2d-path.ts): the forward, the input
 * gradient (again a Winograd convolution for padding <= 2; padding 3 checks the fallback to
 * im2col) and the weight gradient (assembly/winograd-weight-grad.ts). Geometries cover every
 * padding, outputs that end mid-tile and mid-group of 4 tiles, channel and filter counts that are
 * not multiples of 4 or 8, N = 1 (tile rows split across threads; one block whose filters are
 * split into groups) and blocks of several tile rows.
 *
 * Tolerance, relative to the reference's scale: Winograd sums transformed products whose terms
 * are larger than the result, so it rounds more than a plain dot product. The largest errors on
 * these cases (every output array) were 5.0e-7 for F(2,3) and 3.8e-6 for F(4,3) (points up to
 * ±2, x8 in A^T); scripts/winograd-error.ts finds at most 9.4e-7 and 1.2e-5 up to 512 channels.
 * The bounds, 3e-6 and 6e-5, are 3x and 5x the largest found anywhere (the default 1e-4 would
 * let F(2,3) drift 100x unnoticed). F(5,3) has F(4,3)'s bound (at most 1.1e-5 found). F(5 x 7)'s
 * rows use F(7,3), whose B^T has entries up to 5.3 and whose G up to 5.8 (the point 1/4): the
 * script finds 2.0e-5 to 6.9e-5 on the forward and 1.4e-5 to 3.7e-5 on the input gradient, and
 * its bound is 2e-4, 3x the largest.
 */
import fc from 'fast-check';
import { withConv2dPath, type Conv2dPath } from '../../../src/kernels/wasm/conv2d-path.js';
import type { Shape } from '../../../src/tensor.js';
import type { KernelCase } from './case.js';
import { convCases } from './conv2d.cases.js';

const TOLERANCE: Record<Exclude<Conv2dPath, 'im2col' | 'direct'>, number> = {
  winograd2: 3e-6,
  winograd4: 6e-5,
  winograd5: 6e-5,
  winograd5x7: 2e-4,
};

function forced(
  path: Exclude<Conv2dPath, 'im2col' | 'direct'>,
): Pick<KernelCase, 'tolerance' | 'around'> {
  return {
    tolerance: TOLERANCE[path],
    around: (run) => withConv2dPath(path, run),
  };
}

const grid: [string, Shape, number, number][] = [
  ['padding 1, 8x8', [2, 3, 8, 8], 4, 1],
  ['padding 0, odd sizes', [3, 5, 11, 13], 6, 0],
  ['padding 2', [2, 4, 9, 7], 5, 2],
  ['padding 3 (input gradient by im2col)', [2, 3, 5, 6], 4, 3],
  ['N = 1, 17 filters, tile rows split across threads', [1, 6, 19, 10], 17, 1],
  [
    '28x28, 8 -> 12 channels, N = 5 (weight gradient in chunks of tile rows)',
    [5, 8, 28, 28],
    12,
    1,
  ],
  ['1x1 output', [2, 3, 3, 3], 2, 0],
  ['40 channels, 7x7, several tile rows a block', [2, 40, 7, 7], 9, 1],
  ['N = 1, 8x12, 70 filters: one block, its filters in groups', [1, 5, 8, 12], 70, 1],
  ['N = 1, 4x6, 37 filters: one block, its filters in groups', [1, 9, 4, 6], 37, 1],
  ['N = 1, 32x48: balanced blocks of tile rows', [1, 3, 32, 48], 8, 1],
  // Blocks larger on two threads than on one (9 tile rows: 5 + 4 against 3 + 3 + 3).
  ['N = 1, 64 -> 64 at 36x16: blocks sized per thread count', [1, 64, 36, 16], 64, 1],
];

/**
 * F(5,3)'s lanes are images, its blocks tile rows of 8 images (assembly/winograd5.ts): whole
 * octets, a last octet with one half empty and one partial, and blocks of one tile row (wide
 * layers with many channels, whose V fills a block's budget).
 */
const imageLaneGrid: [string, Shape, number, number][] = [
  ['N = 8, 14x14, 12 -> 10 channels', [8, 12, 14, 14], 10, 1],
  ['N = 11, 9x16, padding 0 (last octet 3 images)', [11, 5, 9, 16], 6, 0],
  ['N = 9, 64 channels at 10x33: blocks of one tile row', [9, 64, 10, 33], 7, 1],
];

export const cases: KernelCase[] = (
  ['winograd2', 'winograd4', 'winograd5', 'winograd5x7'] as const
).flatMap((path) =>
  [...grid, ...(path === 'winograd5' || path === 'winograd5x7' ? imageLaneGrid : [])].flatMap(
    ([label, x, F, padding], i) =>
      convCases(`${path}: ${label}`, x, [F, x[1], 3, 3], { padding }, 200 + i, forced(path)),
  ),
);

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    path: fc.constantFrom(
      'winograd2' as const,
      'winograd4' as const,
      'winograd5' as const,
      'winograd5x7' as const,
    ),
    N: fc.integer({ min: 1, max: 10 }),
    C: fc.integer({ min: 1, max: 9 }),
    F: fc.integer({ min: 1, max: 9 }),
    H: fc.integer({ min: 1, max: 14 }),
    W: fc.integer({ min: 1, max: 14 }),
    padding: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter((p) => p.H + 2 * p.padding[0] >= 3 && p.W + 2 * p.padding[1] >= 3)
  .map((p) =>
    convCases(
      `random ${JSON.stringify(p)}`,
      [p.N, p.C, p.H, p.W],
      [p.F, p.C, 3, 3],
      { padding: p.padding },
      p.seed,
      forced(p.path),
    ),
  );
