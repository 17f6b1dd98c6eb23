/**
 * Argmax along one axis: a segmenter's logits (N,K,H,W) along K (inner 6,144, and inner sizes
 * that are not multiples of the SIMD width), a classifier's (B,K) along the last axis (inner 1),
 * K = 1, small integers full of ties (the first index must win), and NaN and -Infinity scattered
 * in (a NaN counts as -Infinity; a fibre of NaN and -Infinity gives 0).
 */
import fc from 'fast-check';
import type { AxisGeometry } from '../../../src/shape/axis.js';
import { kernelCase, seeded, values, type KernelCase } from './case.js';

function argmaxCase(label: string, g: AxisGeometry, seed: number, ties = false): KernelCase {
  const n = g.outer * g.size * g.inner;
  const name = `${label} (outer ${g.outer}, size ${g.size}, inner ${g.inner})`;
  return kernelCase(
    'argmaxForward',
    name,
    () => {
      const rng = seeded(seed);
      const x = ties
        ? Float64Array.from({ length: n }, () => Math.floor(rng.next() * 3))
        : values(rng, n);
      // A few NaN and -Infinity, and the first fibre all NaN and -Infinity.
      for (let i = 0; i < n; i += 7) x[i] = rng.next() < 0.5 ? NaN : -Infinity;
      for (let k = 0; k < g.size; k++) x[k * g.inner] = k % 2 === 0 ? NaN : -Infinity;
      return [new Int32Array(g.outer * g.inner).fill(-1), x, g];
    },
    { exact: true },
  );
}

export const cases: KernelCase[] = [
  argmaxCase('a segmentation', { outer: 1, size: 11, inner: 64 * 96 }, 1),
  argmaxCase('segmentations', { outer: 3, size: 5, inner: 7 * 9 }, 2),
  argmaxCase('tied classes', { outer: 4, size: 6, inner: 13 }, 3, true),
  argmaxCase('class scores', { outer: 37, size: 10, inner: 1 }, 4),
  argmaxCase('one class', { outer: 2, size: 1, inner: 5 }, 5),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    outer: fc.integer({ min: 1, max: 6 }),
    size: fc.integer({ min: 1, max: 20 }),
    inner: fc.integer({ min: 1, max: 40 }),
    ties: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => [
    argmaxCase(
      `random seed ${p.seed}`,
      { outer: p.outer, size: p.size, inner: p.inner },
      p.seed,
      p.ties,
    ),
  ]);
