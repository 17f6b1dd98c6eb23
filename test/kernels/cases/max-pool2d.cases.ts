/**
 * Max pooling: it only selects and adds, so the fast kernels must equal the reference bitwise
 * (ties to the first maximum, NaN wins, padding never wins), on the SIMD 2x2 path and its tails.
 */
import fc from 'fast-check';
import { pool2dGeometry, type Pool2dOptions } from '../../../src/shape/pool2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

type Fill = (i: number) => number;

function poolCases(
  label: string,
  xShape: Shape,
  options: Pool2dOptions,
  seed: number,
  fill?: Fill,
): KernelCase[] {
  const g = pool2dGeometry(xShape, options);
  const ySize = g.N * g.C * g.OH * g.OW;
  const operands = () => {
    const rng = seeded(seed);
    const x =
      fill === undefined
        ? values(rng, sizeOf(xShape))
        : Float64Array.from({ length: sizeOf(xShape) }, (_, i) => fill(i));
    return { x, dy: values(rng, ySize) };
  };
  return [
    kernelCase('maxPool2dForward', label, () => [output(ySize), operands().x, g], { exact: true }),
    kernelCase(
      'maxPool2dBackward',
      label,
      () => {
        const { x, dy } = operands();
        return [output(x.length), dy, x, g];
      },
      { exact: true },
    ),
  ];
}

// Every 2x2 window has ties or NaN.
const tiesAndNaN: Fill = (i) => [1, 1, 2, 2, -3, NaN, 0, -0][i % 8];

export const cases: KernelCase[] = [
  ...poolCases('2x2 stride 2 (the SIMD path)', [3, 4, 28, 28], { kernelSize: 2 }, 200),
  ...poolCases(
    '2x2 stride 2, odd input, widths not multiples of 4',
    [2, 3, 11, 13],
    { kernelSize: 2 },
    201,
  ),
  ...poolCases(
    '3x3 stride 2 padding 1 (overlapping windows)',
    [2, 3, 9, 9],
    { kernelSize: 3, stride: 2, padding: 1 },
    202,
  ),
  ...poolCases(
    'non-square kernel and stride',
    [1, 2, 7, 10],
    { kernelSize: [3, 2], stride: [1, 2], padding: [1, 0] },
    203,
  ),
  ...poolCases('3x3 stride 1', [2, 2, 6, 6], { kernelSize: 3, stride: 1 }, 204),
  ...poolCases(
    'ties and NaN, 8 windows a row (SIMD) and the tail',
    [1, 2, 4, 18],
    { kernelSize: 2 },
    5,
    tiesAndNaN,
  ),
  ...poolCases('ties and NaN, 7 windows a row', [1, 2, 5, 14], { kernelSize: 2 }, 7, tiesAndNaN),
  ...poolCases(
    'negative values: padding never wins',
    [1, 2, 4, 18],
    { kernelSize: 3, stride: 2, padding: 1 },
    6,
    (i) => -Math.abs(tiesAndNaN(i)) - 1,
  ),
];

const pair = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 1, max: 4 }),
    H: fc.integer({ min: 1, max: 13 }),
    W: fc.integer({ min: 1, max: 13 }),
    kernel: pair(1, 4),
    stride: pair(1, 3),
    padding: pair(0, 2),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter((p) =>
    [0, 1].every(
      (a) => 2 * p.padding[a] <= p.kernel[a] && p.kernel[a] <= [p.H, p.W][a] + 2 * p.padding[a],
    ),
  )
  .map((p) =>
    poolCases(
      `random ${JSON.stringify(p)}`,
      [p.N, p.C, p.H, p.W],
      { kernelSize: p.kernel, stride: p.stride, padding: p.padding },
      p.seed,
    ),
  );
