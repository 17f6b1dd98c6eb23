/** Linear layers: GEMM and few-row paths, shapes that are not multiples of the tile. */
import fc from 'fast-check';
import { linearGeometry } from '../../../src/shape/linear.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function linearCases(N: number, IN: number, OUT: number, seed: number): KernelCase[] {
  const g = linearGeometry([N, IN], [OUT, IN], OUT);
  const label = `(${N},${IN}) x (${OUT},${IN})`;
  const operands = () => {
    const rng = seeded(seed);
    return {
      x: values(rng, N * IN),
      w: values(rng, OUT * IN),
      b: values(rng, OUT),
      dy: values(rng, N * OUT),
    };
  };
  return [
    kernelCase('linearForward', label, () => {
      const { x, w, b } = operands();
      return [output(N * OUT), x, w, b, g];
    }),
    kernelCase('linearForward', `${label}, no bias`, () => {
      const { x, w } = operands();
      return [output(N * OUT), x, w, null, g];
    }),
    kernelCase('linearBackward', label, () => {
      const { x, w, b, dy } = operands();
      return [output(x.length), output(w.length), output(b.length), dy, x, w, g];
    }),
    kernelCase('linearBackward', `${label}, dw and db only`, () => {
      const { x, w, b, dy } = operands();
      return [null, output(w.length), output(b.length), dy, x, w, g];
    }),
  ];
}

export const cases: KernelCase[] = [
  [1, 5, 3, 1],
  [7, 33, 10, 2],
  [64, 300, 17, 3],
  [3, 1, 1, 4],
  [2, 3136, 128, 5], // one of the seed net's layers, below the GEMM's 4 rows
  [4, 70, 9, 6],
  // Columns claimed in items of 16 (a last one of 8), x packed in three blocks of K.
  [16, 600, 40, 7],
  // x packed in panels of 5 rows and then 4 (13 = 5 + 4 + 4; 20 = four of 5), through edge
  // columns (50 = 6 x 8 + 2) and blocks of K.
  [13, 600, 50, 9],
  [20, 300, 40, 10],
  // More rows than the claimed GEMM packs whole (MC = 128): sgemmPart.
  [130, 20, 300, 8],
].flatMap(([N, IN, OUT, seed]) => linearCases(N, IN, OUT, seed));

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    N: fc.integer({ min: 1, max: 9 }),
    IN: fc.integer({ min: 1, max: 70 }),
    OUT: fc.integer({ min: 1, max: 20 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => linearCases(p.N, p.IN, p.OUT, p.seed));
