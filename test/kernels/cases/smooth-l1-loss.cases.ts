/**
 * Smooth L1 loss, elementwise: the detector's size and offset maps
 * (32,2,24,24) with beta = 0 (its centre L1 loss, masked so most differences are exactly 0),
 * beta of 1 and 1/9, differences on both sides of beta, lengths around the SIMD width and work
 * that does not divide among threads, null backward outputs, NaN inputs.
 */
import fc from 'fast-check';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

export type Grads = 'both' | 'dx' | 'dtarget';

/** x and t; every third element of x equals t (d = 0, where sign and the quadratic meet). */
export function operands(n: number, seed: number, masked: boolean) {
  const rng = seeded(seed);
  const x = values(rng, n, 2);
  const target = values(rng, n);
  for (let i = 0; i < n; i++) {
    if (masked ? i % 7 !== 0 : i % 3 === 0) x[i] = target[i];
  }
  return { x, target, dlosses: values(rng, n) };
}

export function backwardOutputs(
  n: number,
  grads: Grads,
): [Float64Array | null, Float64Array | null] {
  return [grads === 'dtarget' ? null : output(n), grads === 'dx' ? null : output(n)];
}

function smoothL1Cases(label: string, n: number, beta: number, seed: number, grads: Grads) {
  const masked = label.includes('detector');
  const name = `${label}, beta ${beta}`;
  return [
    kernelCase('smoothL1LossForward', name, () => {
      const { x, target } = operands(n, seed, masked);
      return [output(n), x, target, beta];
    }),
    kernelCase('smoothL1LossBackward', `${name}, ${grads}`, () => {
      const { x, target, dlosses } = operands(n, seed, masked);
      return [...backwardOutputs(n, grads), dlosses, x, target, beta];
    }),
  ];
}

const SIZE_MAP = 32 * 2 * 24 * 24;
const LENGTHS = [1, 3, 4, 5, 17, 1001];
const GRADS: Grads[] = ['both', 'dx', 'dtarget'];

/** A NaN difference passes through, as the reference's Math.sign(NaN) gives it. */
function nonFiniteCases(beta: number): KernelCase[] {
  const specials = [NaN, 0.25, NaN, -4, NaN];
  const make = () => {
    const { x, target, dlosses } = operands(10, 7, false);
    specials.forEach((v, i) => (x[2 * i] = v));
    return { x, target, dlosses };
  };
  return [
    kernelCase('smoothL1LossForward', `NaN inputs, beta ${beta}`, () => {
      const { x, target } = make();
      return [output(10), x, target, beta];
    }),
    kernelCase('smoothL1LossBackward', `NaN inputs, beta ${beta}, both`, () => {
      const { x, target, dlosses } = make();
      return [...backwardOutputs(10, 'both'), dlosses, x, target, beta];
    }),
  ];
}

export const cases: KernelCase[] = [
  ...smoothL1Cases('(32,2,24,24) the detector size map', SIZE_MAP, 0, 1, 'both'),
  ...nonFiniteCases(0),
  ...nonFiniteCases(1),
  ...LENGTHS.flatMap((n, i) =>
    [0, 1 / 9, 1].flatMap((beta, j) => smoothL1Cases(`${n} elements`, n, beta, 10 + i, GRADS[j])),
  ),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    n: fc.integer({ min: 1, max: 5000 }),
    beta: fc.constantFrom(0, 0.5, 1, 3),
    grads: fc.constantFrom<Grads>('both', 'dx', 'dtarget'),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => smoothL1Cases(`random ${JSON.stringify(p)}`, p.n, p.beta, p.seed, p.grads));
