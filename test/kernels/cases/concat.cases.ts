/**
 * Concatenation only moves values, so the fast kernels must equal the reference bitwise: the
 * U-Net's channel skips, other axes (first, last), one input, an input of size 0 along the axis,
 * odd sizes, blocks that do not divide among the threads, and gradients of some inputs only.
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
  withGradient: boolean[] = shapes.map(() => true),
): KernelCase[] {
  const g = concatGeometry(shapes, axis);
  const size = sizeOf(g.shape);
  return [
    kernelCase(
      'concatForward',
      label,
      () => {
        const rng = seeded(seed);
        return [output(size), shapes.map((s) => values(rng, sizeOf(s))), g];
      },
      { exact: true },
    ),
    kernelCase(
      'concatBackward',
      label,
      () => {
        const dxs = shapes.map((s, t) => (withGradient[t] ? output(sizeOf(s)) : null));
        return [dxs, values(seeded(seed + 1), size), g];
      },
      { exact: true },
    ),
  ];
}

const grid: [string, Shape[], number, boolean[]?][] = [
  [
    'U-Net skip: channels (2,16,8,11) + (2,16,8,11)',
    [
      [2, 16, 8, 11],
      [2, 16, 8, 11],
    ],
    1,
  ],
  [
    'detector join: (1,64,6,6) + (1,32,6,6)',
    [
      [1, 64, 6, 6],
      [1, 32, 6, 6],
    ],
    1,
  ],
  [
    'three inputs of odd sizes',
    [
      [3, 1, 5, 7],
      [3, 3, 5, 7],
      [3, 2, 5, 7],
    ],
    1,
  ],
  [
    'first axis (outer 1)',
    [
      [2, 3, 4],
      [5, 3, 4],
    ],
    0,
  ],
  [
    'last axis (inner 1)',
    [
      [2, 3, 4],
      [2, 3, 1],
      [2, 3, 6],
    ],
    -1,
  ],
  ['one input', [[4, 5, 3]], 1],
  [
    'an input of size 0 along the axis',
    [
      [2, 0, 3],
      [2, 4, 3],
    ],
    1,
  ],
  [
    'blocks not divisible by the threads',
    [
      [7, 2, 3],
      [7, 1, 3],
    ],
    1,
  ],
  [
    'gradient of the second input only',
    [
      [2, 3, 5],
      [2, 4, 5],
    ],
    1,
    [false, true],
  ],
  [
    'gradient of the first input only',
    [
      [3, 2, 2],
      [3, 1, 2],
      [3, 2, 2],
    ],
    1,
    [true, false, false],
  ],
];

export const cases: KernelCase[] = grid.flatMap(([label, shapes, axis, grads], i) =>
  concatCases(label, shapes, axis, 700 + 2 * i, grads),
);

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    outer: fc.integer({ min: 1, max: 5 }),
    sizes: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 }),
    inner: fc.integer({ min: 1, max: 9 }),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map(({ outer, sizes, inner, seed }) =>
    concatCases(
      `random (${outer}, [${sizes.join(',')}], ${inner})`,
      sizes.map((s) => [outer, s, inner]),
      1,
      seed,
    ),
  );
