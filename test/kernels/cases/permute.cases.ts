/**
 * Axis permutation, forward and backward (bitwise: both are copies): the detector head's
 * NCHW -> NHWC, its inverse, identity (contiguous rows), reversal, rank 1 and 0, a size-0 axis,
 * and random permutations of random shapes.
 */
import fc from 'fast-check';
import { permuteGeometry } from '../../../src/shape/permute.js';
import type { Shape } from '../../../src/tensor.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function permuteCases(label: string, shape: Shape, axes: number[], seed: number): KernelCase[] {
  const g = permuteGeometry(shape, axes);
  const name = `${label}: (${shape.join(',')}) by [${axes.join(',')}]`;
  return [
    kernelCase('permuteForward', name, () => [output(g.size), values(seeded(seed), g.size), g], {
      exact: true,
    }),
    kernelCase('permuteBackward', name, () => [output(g.size), values(seeded(seed), g.size), g], {
      exact: true,
    }),
  ];
}

export const cases: KernelCase[] = [
  permuteCases('detector head NCHW -> NHWC', [32, 14, 24, 24], [0, 2, 3, 1], 1),
  permuteCases('NHWC -> NCHW', [4, 6, 5, 3], [0, 3, 1, 2], 2),
  permuteCases('identity', [3, 5, 7], [0, 1, 2], 3),
  permuteCases('reversal', [2, 3, 5, 7], [3, 2, 1, 0], 4),
  permuteCases('matrix transpose', [9, 13], [1, 0], 5),
  permuteCases('rank 1', [11], [0], 6),
  permuteCases('rank 0', [], [], 7),
  permuteCases('an axis of size 0', [3, 0, 4], [2, 0, 1], 8),
].flat();

export const random: fc.Arbitrary<KernelCase[]> = fc
  .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axes: fc.shuffledSubarray(
        shape.map((_, k) => k),
        { minLength: shape.length, maxLength: shape.length },
      ),
      seed: fc.integer({ min: 0, max: 1 << 30 }),
    }),
  )
  .map((p) => permuteCases(`random ${JSON.stringify(p)}`, p.shape, p.axes, p.seed));
