/**
 * Nearest upsampling only copies and adds in the reference's order, so the fast kernels must
 * equal the reference on float32 bitwise: scale factors 2 (the f32x4 path) and 3, sizes that
 * are not multiples of the SIMD width, non-integer factors, a given output size, shrinking.
 */
import fc from 'fast-check';
import { upsample2dGeometry, type Upsample2dOptions } from '../../../src/shape/upsample2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, output, pair, seeded, values, type KernelCase } from './case.js';

function nearestCases(
  label: string,
  xShape: Shape,
  options: Upsample2dOptions,
  seed: number,
): KernelCase[] {
  const g = upsample2dGeometry(xShape, options);
  const ySize = g.N * g.C * g.OH * g.OW;
  const operands = () => {
    const rng = seeded(seed);
    return { x: values(rng, sizeOf(xShape)), dy: values(rng, ySize) };
  };
  return [
    kernelCase('upsampleNearest2dForward', label, () => [output(ySize), operands().x, g], {
      exact: true,
    }),
    kernelCase(
      'upsampleNearest2dBackward',
      label,
      () => {
        const { x, dy } = operands();
        return [output(x.length), dy, g];
      },
      { exact: true },
    ),
  ];
}

const grid: [string, Shape, Upsample2dOptions][] = [
  ['scale 2 (the f32x4 path)', [2, 3, 8, 12], { scaleFactor: 2 }],
  ['scale 2, widths not multiples of 4', [3, 2, 5, 7], { scaleFactor: 2 }],
  ['scale 3', [2, 3, 5, 6], { scaleFactor: 3 }],
  ['scale (2,3)', [2, 2, 4, 5], { scaleFactor: [2, 3] }],
  ['scale 1.5 (uneven runs)', [2, 3, 6, 7], { scaleFactor: 1.5 }],
  ['size (13,11), not a multiple of the input', [2, 2, 4, 5], { size: [13, 11] }],
  ['size 2W + 1 (the last column copied three times)', [1, 2, 3, 4], { size: [7, 9] }],
  ['shrinking (some pixels never copied)', [2, 2, 9, 10], { size: [4, 3] }],
  ['N = 1, C = 1: rows split across threads', [1, 1, 7, 9], { scaleFactor: 2 }],
  ['1x1 input', [2, 3, 1, 1], { scaleFactor: 3 }],
  ['planes not divisible by the thread count', [5, 7, 4, 6], { scaleFactor: 2 }],
];

export const cases: KernelCase[] = grid.flatMap(([label, x, options], i) =>
  nearestCases(label, x, options, 300 + i),
);

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 1, max: 4 }),
    H: fc.integer({ min: 1, max: 10 }),
    W: fc.integer({ min: 1, max: 10 }),
    factor: pair(1, 4),
    size: fc.option(pair(1, 24)),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => {
    const options: Upsample2dOptions =
      p.size === null ? { scaleFactor: p.factor } : { size: p.size };
    return nearestCases(`random ${JSON.stringify(p)}`, [p.N, p.C, p.H, p.W], options, p.seed);
  });
