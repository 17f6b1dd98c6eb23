/**
 * Exact top-k search: k = 1 and k = N, sizes that are not multiples of the GEMM's 4x8 tile,
 * Q = 1, a gallery wider than one block of scores (so the host loops over query blocks), and
 * small-integer vectors full of tied scores (exact in float32, so the tie order is compared).
 */
import fc from 'fast-check';
import { topKGeometry } from '../../../src/shape/top-k.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function topKCase(
  Q: number,
  N: number,
  D: number,
  k: number,
  seed: number,
  ties = false,
): KernelCase {
  const g = topKGeometry([Q, D], [N, D], k);
  const label = `(${Q},${D}) against (${N},${D}), k = ${k}${ties ? ', tied integer scores' : ''}`;
  return kernelCase('topKForward', label, () => {
    const rng = seeded(seed);
    const draw = (n: number): Float64Array =>
      ties
        ? Float64Array.from({ length: n }, () => Math.floor(rng.next() * 3) - 1)
        : values(rng, n);
    const queries = draw(Q * D);
    const gallery = draw(N * D);
    return [output(Q * k), new Int32Array(Q * k).fill(-1), queries, gallery, g];
  });
}

export const cases: KernelCase[] = [
  topKCase(1, 1, 1, 1, 700),
  topKCase(5, 9, 3, 1, 701),
  topKCase(5, 9, 3, 9, 702),
  topKCase(7, 37, 16, 10, 703),
  topKCase(33, 130, 64, 17, 704),
  topKCase(3, 70000, 8, 5, 705),
  topKCase(6, 50, 4, 12, 706, true),
  topKCase(9, 200, 2, 200, 707, true),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    Q: fc.integer({ min: 1, max: 12 }),
    N: fc.integer({ min: 1, max: 60 }),
    D: fc.integer({ min: 1, max: 20 }),
    k: fc.integer({ min: 1, max: 60 }),
    ties: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => [topKCase(p.Q, p.N, p.D, Math.min(p.k, p.N), p.seed, p.ties)]);
