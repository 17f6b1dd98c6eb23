/**
 * L2 normalisation along one axis: embeddings (B,D) along the last axis (the search app's
 * (64,128)), an inner axis (N,C,H,W) along C, fibres shorter than eps (all zeros and tiny
 * values), K = 1, work that does not divide among threads.
 */
import fc from 'fast-check';
import type { AxisGeometry } from '../../../src/shape/axis.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function operands(g: AxisGeometry, seed: number, scale: number) {
  const rng = seeded(seed);
  const n = g.outer * g.size * g.inner;
  const x = values(rng, n, scale);
  // The first fibre is all zeros: its norm is below any eps.
  for (let k = 0; k < g.size; k++) x[k * g.inner] = 0;
  return { x, dy: values(rng, n) };
}

function l2Cases(label: string, g: AxisGeometry, eps: number, seed: number, scale = 1) {
  const n = g.outer * g.size * g.inner;
  const name = `${label} (outer ${g.outer}, size ${g.size}, inner ${g.inner}), eps ${eps}`;
  return [
    kernelCase('l2NormalizeForward', name, () => [output(n), operands(g, seed, scale).x, eps, g]),
    kernelCase('l2NormalizeBackward', name, () => {
      const { x, dy } = operands(g, seed, scale);
      return [output(n), dy, x, eps, g];
    }),
  ];
}

export const cases: KernelCase[] = [
  ...l2Cases('the search embeddings', { outer: 64, size: 128, inner: 1 }, 1e-12, 1),
  ...l2Cases('embeddings', { outer: 7, size: 5, inner: 1 }, 1e-12, 2),
  ...l2Cases('channels of a map', { outer: 3, size: 6, inner: 35 }, 1e-12, 3),
  ...l2Cases('one element per fibre', { outer: 9, size: 1, inner: 4 }, 1e-12, 4),
  ...l2Cases('tiny values, big eps', { outer: 5, size: 3, inner: 2 }, 1e-3, 5, 1e-4),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    outer: fc.integer({ min: 1, max: 12 }),
    size: fc.integer({ min: 1, max: 40 }),
    inner: fc.integer({ min: 1, max: 9 }),
    eps: fc.constantFrom(1e-12, 1e-2),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) =>
    l2Cases(
      `random seed ${p.seed}`,
      { outer: p.outer, size: p.size, inner: p.inner },
      p.eps,
      p.seed,
    ),
  );
