/** Matrix products on the GEMM: sizes that are not multiples of the 4x8 tile, K over one block. */
import fc from 'fast-check';
import { matmulGeometry } from '../../../src/shape/matmul.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function matmulCases(M: number, K: number, N: number, seed: number): KernelCase[] {
  const g = matmulGeometry([M, K], [K, N]);
  const label = `(${M},${K}) x (${K},${N})`;
  const operands = () => {
    const rng = seeded(seed);
    return { a: values(rng, M * K), b: values(rng, K * N), dy: values(rng, M * N) };
  };
  return [
    kernelCase('matmulForward', label, () => {
      const { a, b } = operands();
      return [output(M * N), a, b, g];
    }),
    kernelCase('matmulBackwardA', label, () => {
      const { b, dy } = operands();
      return [output(M * K), dy, b, g];
    }),
    kernelCase('matmulBackwardB', label, () => {
      const { a, dy } = operands();
      return [output(K * N), dy, a, g];
    }),
  ];
}

export const cases: KernelCase[] = [
  [1, 1, 1],
  [5, 3, 9],
  [4, 8, 8],
  [37, 300, 70],
  [130, 513, 20],
  [2, 64, 3],
].flatMap(([M, K, N], i) => matmulCases(M, K, N, 600 + i));

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    M: fc.integer({ min: 1, max: 20 }),
    K: fc.integer({ min: 1, max: 40 }),
    N: fc.integer({ min: 1, max: 20 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => matmulCases(p.M, p.K, p.N, p.seed));
