/**
 * Binary cross-entropy on logits: the detector's centre heatmap (32,10,24,24) against all-1 and
 * all-0 targets (as its focal loss calls it), soft targets in [0, 1], per-element pos weights,
 * logits where exp overflows (+-100, +-1e4), lengths around the SIMD width and work that does
 * not divide among threads, null backward outputs.
 */
import fc from 'fast-check';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

const EDGE_LOGITS = [0, -0, 1e-8, -1e-8, 20, -20, 100, -100, 1e4, -1e4];

type Targets = 'ones' | 'zeros' | 'soft';

function operands(n: number, targets: Targets, weighted: boolean, seed: number) {
  const rng = seeded(seed);
  const x = values(rng, n, 3);
  x.set(EDGE_LOGITS.slice(0, n).map(Math.fround));
  const target =
    targets === 'soft'
      ? Float64Array.from({ length: n }, () => Math.fround(rng.uniform()))
      : new Float64Array(n).fill(targets === 'ones' ? 1 : 0);
  const posWeight = weighted ? values(rng, n).map((v) => Math.fround(Math.abs(v) + 0.1)) : null;
  return { x, target, posWeight, dlosses: values(rng, n) };
}

function bceCases(
  label: string,
  n: number,
  targets: Targets,
  weighted: boolean,
  seed: number,
  grads: 'both' | 'dx' | 'dtarget' = 'both',
): KernelCase[] {
  const name = `${label}, ${targets} targets${weighted ? ', pos weights' : ''}`;
  return [
    kernelCase('binaryCrossEntropyWithLogitsForward', name, () => {
      const { x, target, posWeight } = operands(n, targets, weighted, seed);
      return [output(n), x, target, posWeight];
    }),
    kernelCase('binaryCrossEntropyWithLogitsBackward', `${name}, ${grads}`, () => {
      const { x, target, posWeight, dlosses } = operands(n, targets, weighted, seed);
      const dx = grads === 'dtarget' ? null : output(n);
      const dtarget = grads === 'dx' ? null : output(n);
      return [dx, dtarget, dlosses, x, target, posWeight];
    }),
  ];
}

const HEATMAP = 32 * 10 * 24 * 24;

export const cases: KernelCase[] = [
  ...bceCases('(32,10,24,24) the detector heatmap', HEATMAP, 'ones', false, 1, 'dx'),
  ...bceCases('(32,10,24,24) the detector heatmap', HEATMAP, 'zeros', false, 2, 'dx'),
  ...[1, 3, 4, 5, 10, 17, 1001].flatMap((n, i) => [
    ...bceCases(`${n} elements`, n, 'soft', false, 10 + i),
    ...bceCases(`${n} elements`, n, 'soft', true, 20 + i),
  ]),
  ...bceCases('37 elements', 37, 'ones', true, 30, 'dtarget'),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    n: fc.integer({ min: 1, max: 5000 }),
    targets: fc.constantFrom<Targets>('ones', 'zeros', 'soft'),
    weighted: fc.boolean(),
    grads: fc.constantFrom<'both' | 'dx' | 'dtarget'>('both', 'dx', 'dtarget'),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => bceCases(`random ${JSON.stringify(p)}`, p.n, p.targets, p.weighted, p.seed, p.grads));
