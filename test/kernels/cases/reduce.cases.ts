/**
 * sum and mean over some axes: the U-Net's per-class sums over (N,H,W), every axis (also of two
 * million values of one sign), no axis, size-1 axes, interleaved axes (kept innermost axis), and
 * random shapes and axis sets.
 */
import fc from 'fast-check';
import { reduceGeometry } from '../../../src/shape/reduce.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function reduceCases(
  label: string,
  shape: number[],
  axes: number[] | null,
  seed: number,
  inputs: (n: number) => Float64Array = (n) => values(seeded(seed), n),
): KernelCase[] {
  const g = reduceGeometry(shape, axes, 'reduce cases');
  const x = () => inputs(g.size);
  const dy = () => values(seeded(seed + 1), g.outSize);
  return [
    kernelCase('sumForward', label, () => [output(g.outSize), x(), g]),
    kernelCase('sumBackward', label, () => [output(g.size), dy(), g]),
    kernelCase('meanForward', label, () => [output(g.outSize), x(), g]),
    kernelCase('meanBackward', label, () => [output(g.size), dy(), g]),
  ];
}

/** n values 0.09 + 0.01 sin(i) (float32): of one sign, smooth, near 1/11. */
function nearOneEleventh(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.fround(0.09 + 0.01 * Math.sin(i)));
}

export const cases: KernelCase[] = [
  ...reduceCases('U-Net (32,11,64,88) over (0,2,3)', [32, 11, 64, 88], [0, 2, 3], 1),
  ...reduceCases('(3,5,7,9) over every axis', [3, 5, 7, 9], null, 2),
  // Two million terms near 1/11 (the U-Net's class probabilities): a float32 running sum
  // drifts (6e-4 off in four lanes), the kernels' f64 totals do not.
  ...reduceCases('(2097152) near 1/11, over every axis', [1 << 21], null, 10, nearOneEleventh),
  ...reduceCases('(512,4096) near 1/11, over axis 1', [512, 4096], [1], 11, nearOneEleventh),
  ...reduceCases('(3,5,7) over no axis', [3, 5, 7], [], 3),
  ...reduceCases('(2,1,5,1) over the size-1 axes (1,3)', [2, 1, 5, 1], [1, 3], 4),
  ...reduceCases('(4,3,6,5) over (0,2): innermost kept', [4, 3, 6, 5], [0, 2], 5),
  ...reduceCases('(6,13) over axis 1, rows', [6, 13], [1], 6),
  ...reduceCases('(37,6) over axis 0, columns', [37, 6], [0], 7),
  ...reduceCases('(1) over axis 0', [1], [0], 8),
  ...reduceCases('(2,0,3) over axis 1, empty', [2, 0, 3], [1], 9),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    shape: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }),
    mask: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => {
    const axes = p.shape.flatMap((_, k) => (p.mask[k] ? [k] : []));
    return reduceCases(`random ${JSON.stringify(p)}`, p.shape, axes, p.seed);
  });
