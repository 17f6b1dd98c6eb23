/**
 * The fused convolution [+ per-filter scale] + ReLU [+ max pool] (conv2dReluPoolForward) on each
 * conv path: im2col
 * (whole images per thread, and N = 1, where threads split the rows, in pairs when pooling) and
 * both Winograd tiles (the pooling inside each block of tile rows). Pools: none, 2x2 stride 2
 * (the fused epilogue, over even and odd outputs), and 3x3 stride 2 padding 1 (the pool kernel
 * after the fused ReLU). The convolution rounds as conv2d's does, so the tolerances are its
 * (conv2d-winograd.cases.ts says why Winograd's are what they are).
 */
import fc from 'fast-check';
import { withConv2dPath, type Conv2dPath } from '../../../src/kernels/wasm/conv2d-path.js';
import {
  conv2dGeometry,
  conv2dOutputShape,
  type Conv2dOptions,
} from '../../../src/shape/conv2d.js';
import { pool2dGeometry, type Pool2dOptions } from '../../../src/shape/pool2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

const TOLERANCE: Record<Conv2dPath, number | undefined> = {
  im2col: undefined,
  winograd2: 3e-6,
  winograd4: 6e-5,
  winograd5: 6e-5,
  winograd5x7: 2e-4,
  direct: undefined,
};

export const POOLS: [string, Pool2dOptions | null][] = [
  ['no pool', null],
  ['2x2 pool', { kernelSize: 2 }],
  ['3x3 stride 2 padding 1 pool', { kernelSize: 3, stride: 2, padding: 1 }],
];

/** The fused kernel's cases of one problem on one path: bias, no bias, scaled, for each pool. */
export function fusedCases(
  path: Conv2dPath,
  label: string,
  xShape: Shape,
  wShape: Shape,
  options: Conv2dOptions,
  seed: number,
  pools: readonly [string, Pool2dOptions | null][] = POOLS,
): KernelCase[] {
  const g = conv2dGeometry(xShape, wShape, options, wShape[0]);
  return pools.flatMap(([poolLabel, poolOptions]) => {
    const pool =
      poolOptions === null ? null : pool2dGeometry(conv2dOutputShape(g), poolOptions, 'maxPool2d');
    const ySize = pool === null ? g.N * g.F * g.OH * g.OW : pool.N * pool.C * pool.OH * pool.OW;
    const operands = () => {
      const rng = seeded(seed);
      return {
        x: values(rng, sizeOf(xShape)),
        w: values(rng, sizeOf(wShape)),
        b: values(rng, g.F),
        s: values(rng, g.F),
      };
    };
    const around = <T>(run: () => T): T => withConv2dPath(path, run);
    const caseOptions = { tolerance: TOLERANCE[path], around };
    const name = `${path}: ${label}, ${poolLabel}`;
    return [
      kernelCase(
        'conv2dReluPoolForward',
        name,
        () => {
          const { x, w, b } = operands();
          return [output(ySize), x, w, b, null, g, pool];
        },
        caseOptions,
      ),
      kernelCase(
        'conv2dReluPoolForward',
        `${name}, no bias`,
        () => {
          const { x, w } = operands();
          return [output(ySize), x, w, null, null, g, pool];
        },
        caseOptions,
      ),
      kernelCase(
        'conv2dReluPoolForward',
        `${name}, scaled (a folded batch norm; negative scales flip the pool's maximum)`,
        () => {
          const { x, w, b, s } = operands();
          return [output(ySize), x, w, b, s, g, pool];
        },
        caseOptions,
      ),
    ];
  });
}

const grid: [string, Shape, Shape, Conv2dOptions][] = [
  ['the seed net, N = 2', [2, 3, 8, 8], [4, 3, 3, 3], { padding: 1 }],
  ['N = 1, odd output 11x9', [1, 3, 11, 9], [5, 3, 3, 3], { padding: 1 }],
  ['N = 1, 14x14, 8 -> 12 channels', [1, 8, 14, 14], [12, 8, 3, 3], { padding: 1 }],
  ['N = 3, 14x14, 8 -> 12 channels', [3, 8, 14, 14], [12, 8, 3, 3], { padding: 1 }],
  ['N = 5, padding 0, odd 13x11 output', [5, 3, 15, 13], [6, 3, 3, 3], {}],
  ['2x3 output', [2, 2, 2, 3], [3, 2, 3, 3], { padding: 1 }],
  // One block of tiles shared by threads as groups of filters (37: the last group partial).
  ['N = 1, 8x12, 6 -> 37 channels (filter groups)', [1, 6, 8, 12], [37, 6, 3, 3], { padding: 1 }],
];

export const cases: KernelCase[] = [
  ...(['im2col', 'winograd2', 'winograd4', 'winograd5', 'winograd5x7'] as const).flatMap((path) =>
    grid.flatMap(([label, x, w, options], i) => fusedCases(path, label, x, w, options, 300 + i)),
  ),
  // The image-lane tiles' blocks of tile rows of 8 images, pooled: blocks of two tile rows (10
  // output rows, even, so that no window straddles two) at 64 channels, and a last octet of 2
  // images; F(5 x 7)'s 7-wide tiles end on odd columns, so windows straddle two tiles.
  ...(['winograd5', 'winograd5x7'] as const).flatMap((path) => [
    ...fusedCases(
      path,
      'N = 10, 64 -> 12 at 14x20',
      [10, 64, 14, 20],
      [12, 64, 3, 3],
      { padding: 1 },
      330,
    ),
    ...fusedCases(
      path,
      'N = 8, 14x14, 9 -> 16',
      [8, 9, 14, 14],
      [16, 9, 3, 3],
      { padding: 1 },
      331,
    ),
  ]),
  ...fusedCases('im2col', 'stride 2, 5x5', [2, 3, 12, 11], [4, 3, 5, 5], { stride: 2 }, 320),
  ...fusedCases('im2col', 'groups 2', [2, 4, 9, 9], [6, 2, 3, 3], { groups: 2, padding: 1 }, 321),
  ...fusedCases('im2col', '1x1 kernel (direct)', [3, 5, 6, 6], [7, 5, 1, 1], {}, 322),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    path: fc.constantFrom(
      'im2col' as const,
      'winograd2' as const,
      'winograd4' as const,
      'winograd5' as const,
      'winograd5x7' as const,
    ),
    N: fc.integer({ min: 1, max: 10 }),
    C: fc.integer({ min: 1, max: 9 }),
    F: fc.integer({ min: 1, max: 9 }),
    H: fc.integer({ min: 2, max: 16 }),
    W: fc.integer({ min: 2, max: 16 }),
    padding: fc.integer({ min: 0, max: 1 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter((p) => p.H + 2 * p.padding >= 4 && p.W + 2 * p.padding >= 4)
  .map((p) =>
    fusedCases(
      p.path,
      `random ${JSON.stringify(p)}`,
      [p.N, p.C, p.H, p.W],
      [p.F, p.C, 3, 3],
      { padding: p.padding },
      p.seed,
      POOLS.slice(0, 2),
    ),
  );
