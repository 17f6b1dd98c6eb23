/**
 * Squared error, elementwise: the detector-sized map (32,2,24,24), lengths around the SIMD width
 * and work that does not divide among threads, null backward outputs (operands as smooth L1's).
 */
import fc from 'fast-check';
import { kernelCase, output, type KernelCase } from './case.js';
import { backwardOutputs, operands, type Grads } from './smooth-l1-loss.cases.js';

function mseCases(label: string, n: number, seed: number, grads: Grads): KernelCase[] {
  return [
    kernelCase('mseLossForward', label, () => {
      const { x, target } = operands(n, seed, false);
      return [output(n), x, target];
    }),
    kernelCase('mseLossBackward', `${label}, ${grads}`, () => {
      const { x, target, dlosses } = operands(n, seed, false);
      return [...backwardOutputs(n, grads), dlosses, x, target];
    }),
  ];
}

const GRADS: Grads[] = ['both', 'dx', 'dtarget'];

export const cases: KernelCase[] = [
  ...mseCases('(32,2,24,24)', 32 * 2 * 24 * 24, 2, 'both'),
  ...[1, 3, 4, 5, 17, 1001].flatMap((n, i) => mseCases(`${n} elements`, n, 20 + i, GRADS[i % 3])),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    n: fc.integer({ min: 1, max: 5000 }),
    grads: fc.constantFrom<Grads>('both', 'dx', 'dtarget'),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => mseCases(`random ${JSON.stringify(p)}`, p.n, p.seed, p.grads));
