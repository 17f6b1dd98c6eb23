/**
 * Bilinear upsampling, aligned corners both ways: scale 2 (the U-Net decoder) and 3, odd sizes,
 * widths not multiples of the SIMD width, a given output size, shrinking, one-pixel axes. Scale
 * 2 on both axes without aligned corners runs the fast backend's fixed-weight kernels: widths
 * below, at and past their SIMD loops' (4 input columns, and 1 before them), one- and two-row
 * inputs, a given size of exactly double, and rows of one plane split among threads; doubling
 * one axis only, with aligned corners, or a factor whose floor doubles the size but whose
 * sampling differs (2.2 on 4 pixels) runs the general kernels.
 */
import fc from 'fast-check';
import { upsample2dGeometry, type Upsample2dOptions } from '../../../src/shape/upsample2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, output, pair, seeded, values, type KernelCase } from './case.js';

function bilinearCases(
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
  return [false, true].flatMap((alignCorners) => {
    const named = `${label}, alignCorners ${alignCorners}`;
    return [
      kernelCase('upsampleBilinear2dForward', named, () => [
        output(ySize),
        operands().x,
        g,
        { alignCorners },
      ]),
      kernelCase('upsampleBilinear2dBackward', named, () => [
        output(sizeOf(xShape)),
        operands().dy,
        g,
        { alignCorners },
      ]),
    ];
  });
}

const grid: [string, Shape, Upsample2dOptions][] = [
  ['scale 2', [2, 3, 8, 12], { scaleFactor: 2 }],
  ['scale 2, widths not multiples of 4', [3, 2, 5, 7], { scaleFactor: 2 }],
  ['scale 3', [2, 3, 5, 6], { scaleFactor: 3 }],
  ['scale (2,3)', [2, 2, 4, 5], { scaleFactor: [2, 3] }],
  ['size (13,11)', [2, 2, 4, 5], { size: [13, 11] }],
  ['shrinking', [2, 2, 9, 10], { size: [4, 3] }],
  ['one-pixel output axis', [2, 2, 5, 6], { size: [1, 9] }],
  ['1x1 input', [2, 3, 1, 1], { scaleFactor: 3 }],
  ['N = 1, C = 1: rows split across threads', [1, 1, 7, 9], { scaleFactor: 2 }],
  ['planes not divisible by the thread count', [5, 7, 4, 6], { scaleFactor: 2 }],
  ['scale 2, W = 1', [2, 2, 3, 1], { scaleFactor: 2 }],
  ['scale 2, W = 2, H = 1', [1, 3, 1, 2], { scaleFactor: 2 }],
  ['scale 2, W = 3, H = 2', [2, 1, 2, 3], { scaleFactor: 2 }],
  ['scale 2, W = 4', [1, 2, 3, 4], { scaleFactor: 2 }],
  ['scale 2, W = 5: one SIMD step', [1, 2, 4, 5], { scaleFactor: 2 }],
  ['scale 2, W = 9', [2, 1, 3, 9], { scaleFactor: 2 }],
  ['scale 2, W = 23: SIMD steps and a tail', [1, 2, 6, 23], { scaleFactor: 2 }],
  ['scale 2, W = 32', [2, 2, 5, 32], { scaleFactor: 2 }],
  ['size (2H, 2W)', [2, 3, 5, 11], { size: [10, 22] }],
  ['N = 1, C = 1, 1x1', [1, 1, 1, 1], { scaleFactor: 2 }],
  ['N = 1, C = 2: a plane split among threads', [1, 2, 5, 13], { scaleFactor: 2 }],
  ['scale (2,1): one axis doubled', [2, 2, 5, 9], { scaleFactor: [2, 1] }],
  ['scale (1,2): one axis doubled', [2, 2, 5, 9], { scaleFactor: [1, 2] }],
  ['size (2H, 2W + 1)', [2, 2, 4, 6], { size: [8, 13] }],
  ['scale 2.2: twice the size, not the taps of 2', [1, 2, 4, 4], { scaleFactor: 2.2 }],
];

export const cases: KernelCase[] = grid.flatMap(([label, x, options], i) =>
  bilinearCases(label, x, options, 400 + i),
);

/** Random geometries: any scale or size, or doubling (the fixed-weight kernels). */
const anyScale = fc
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
    return bilinearCases(`random ${JSON.stringify(p)}`, [p.N, p.C, p.H, p.W], options, p.seed);
  });

const doubling = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 12 }),
    W: fc.integer({ min: 1, max: 27 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) =>
    bilinearCases(
      `random x2 ${JSON.stringify(p)}`,
      [p.N, p.C, p.H, p.W],
      { scaleFactor: 2 },
      p.seed,
    ),
  );

export const random: fc.Arbitrary<KernelCase[]> = fc.oneof(anyScale, doubling);
