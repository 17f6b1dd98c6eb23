/**
 * Concatenation, forward and backward (bitwise: both are copies): the U-Net skip shape, one
 * part, parts of size 0, the first and the last axis, outer sizes that do not divide among the
 * threads, a gradient nobody wants (null), and random geometries.
 */
import fc from 'fast-check';
import { concatGeometry } from '../../../src/shape/concat.js';
import type { Shape } from '../../../src/tensor.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function concatCases(label: string, shapes: Shape[], axis: number, seed: number): KernelCase[] {
  const g = concatGeometry(shapes, axis);
  const lengths = shapes.map((s) => s.reduce((p, d) => p * d, 1));
  const size = lengths.reduce((p, n) => p + n, 0);
  const name = `${label}: ${shapes.map((s) => `(${s.join(',')})`).join(' ++ ')} axis ${axis}`;
  return [
    kernelCase(
      'concatForward',
      name,
      () => {
        const rng = seeded(seed);
        return [output(size), lengths.map((n) => values(rng, n)), g];
      },
      { exact: true },
    ),
    kernelCase(
      'concatBackward',
      name,
      () => [lengths.map((n) => output(n)), values(seeded(seed), size), g],
      { exact: true },
    ),
    kernelCase(
      'concatBackward',
      `${name}, first gradient not wanted`,
      () => [lengths.map((n, t) => (t === 0 ? null : output(n))), values(seeded(seed), size), g],
      { exact: true },
    ),
  ];
}

export const cases: KernelCase[] = [
  concatCases(
    'U-Net skip',
    [
      [32, 16, 64, 88],
      [32, 8, 64, 88],
    ],
    1,
    1,
  ),
  concatCases('one part', [[3, 5, 7]], 1, 2),
  concatCases(
    'axis 0',
    [
      [2, 3, 5],
      [1, 3, 5],
      [4, 3, 5],
    ],
    0,
    3,
  ),
  concatCases(
    'last axis',
    [
      [3, 2, 5],
      [3, 2, 1],
      [3, 2, 6],
    ],
    -1,
    4,
  ),
  concatCases(
    'a part of size 0',
    [
      [5, 0, 3],
      [5, 4, 3],
      [5, 0, 3],
    ],
    1,
    5,
  ),
  concatCases(
    'odd outer',
    [
      [7, 3, 3, 3],
      [7, 1, 3, 3],
    ],
    1,
    6,
  ),
].flat();

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    outerDims: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }),
    innerDims: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }),
    sizes: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => {
    const shapes = p.sizes.map((s) => [...p.outerDims, s, ...p.innerDims]);
    return concatCases(`random ${JSON.stringify(p)}`, shapes, p.outerDims.length, p.seed);
  });
