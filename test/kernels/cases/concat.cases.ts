/**
 * Concatenation only copies, so the fast kernels must equal the reference bitwise: along
 * channels (U-Net skips), the first and the last axis, several parts of odd sizes, N = 1 and
 * sizes whose elements do not divide among threads (a thread's range starts inside a block),
 * and a backward with gradients not wanted (null).
 */
import fc from 'fast-check';
import { concatGeometry } from '../../../src/shape/concat.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function concatCases(
  label: string,
  shapes: Shape[],
  axis: number,
  seed: number,
  wanted: boolean[] = shapes.map(() => true),
): KernelCase[] {
  const g = concatGeometry(shapes, axis);
  const operands = () => {
    const rng = seeded(seed);
    return {
      xs: shapes.map((shape) => values(rng, sizeOf(shape))),
      dy: values(rng, sizeOf(g.shape)),
    };
  };
  return [
    kernelCase('concatForward', label, () => [output(sizeOf(g.shape)), operands().xs, g], {
      exact: true,
    }),
    kernelCase(
      'concatBackward',
      label,
      () => [
        shapes.map((shape, t) => (wanted[t] ? output(sizeOf(shape)) : null)),
        operands().dy,
        g,
      ],
      { exact: true },
    ),
  ];
}

export const cases: KernelCase[] = [
  ...concatCases(
    'two feature maps along channels',
    [
      [2, 3, 5, 6],
      [2, 4, 5, 6],
    ],
    1,
    500,
  ),
  ...concatCases(
    'N = 1, odd sizes',
    [
      [1, 3, 7, 5],
      [1, 1, 7, 5],
    ],
    1,
    501,
  ),
  ...concatCases(
    'three parts',
    [
      [2, 1, 3, 3],
      [2, 5, 3, 3],
      [2, 2, 3, 3],
    ],
    1,
    502,
  ),
  ...concatCases(
    'along the batch axis',
    [
      [1, 2, 3, 3],
      [3, 2, 3, 3],
    ],
    0,
    503,
  ),
  ...concatCases(
    'along the last axis',
    [
      [2, 3, 4, 1],
      [2, 3, 4, 6],
    ],
    3,
    504,
  ),
  ...concatCases('one part', [[2, 3, 4, 5]], 1, 505),
  ...concatCases(
    'a gradient not wanted',
    [
      [2, 3, 4, 5],
      [2, 2, 4, 5],
    ],
    1,
    506,
    [false, true],
  ),
  ...concatCases(
    'fewer elements than threads',
    [
      [1, 1],
      [1, 1],
    ],
    1,
    507,
  ),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    outer: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 2 }),
    sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
    inner: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 2 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => {
    const shapes = p.sizes.map((size) => [...p.outer, size, ...p.inner]);
    return concatCases(`random ${JSON.stringify(p)}`, shapes, p.outer.length, p.seed);
  });
