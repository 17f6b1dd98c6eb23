/**
 * Max pooling: it only selects and adds, so the fast kernels must equal the reference bitwise
 * (ties to the first maximum, NaN wins, padding never wins), on the SIMD 2x2 path and its tails.
 */
import fc from 'fast-check';
import { pool2dGeometry, type Pool2dOptions } from '../../../src/shape/pool2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, output, randomPool2d, seeded, values, type KernelCase } from './case.js';

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

export const random: fc.Arbitrary<KernelCase[]> = randomPool2d.map((p) =>
  poolCases(p.label, p.xShape, p.options, p.seed),
);
