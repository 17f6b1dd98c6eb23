/**
 * softmax and log-softmax along one axis: the U-Net's classes on axis 1 of (32,11,64,88), the
 * last axis (inner = 1, fibres gathered), inner sizes that are not multiples of 4 (groups across
 * outer boundaries), K = 1, logits of +-1e4, and random shapes and axes.
 */
import fc from 'fast-check';
import { axisGeometry } from '../../../src/shape/axis.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function softmaxCases(
  label: string,
  shape: number[],
  axis: number,
  seed: number,
  scale = 1,
): KernelCase[] {
  const g = axisGeometry(shape, axis, 'softmax cases');
  const n = g.outer * g.size * g.inner;
  const x = () => values(seeded(seed), n, scale);
  const dy = () => values(seeded(seed + 1), n);
  // The backward reads the forward's output: log-probabilities (finite), or probabilities.
  const logs = () => {
    const y = new Float64Array(n);
    const p = x();
    for (let f = 0; f < g.outer * g.inner; f++) {
      const base = Math.floor(f / g.inner) * g.size * g.inner + (f % g.inner);
      let m = -Infinity;
      for (let k = 0; k < g.size; k++) m = Math.max(m, p[base + k * g.inner]);
      let sum = 0;
      for (let k = 0; k < g.size; k++) sum += Math.exp(p[base + k * g.inner] - m);
      const lse = m + Math.log(sum);
      for (let k = 0; k < g.size; k++) {
        y[base + k * g.inner] = Math.fround(p[base + k * g.inner] - lse);
      }
    }
    return y;
  };
  const probabilities = () => logs().map((v) => Math.fround(Math.exp(v)));
  return [
    kernelCase('softmaxAxisForward', label, () => [output(n), x(), g]),
    kernelCase('softmaxAxisBackward', label, () => [output(n), dy(), probabilities(), g]),
    kernelCase('logSoftmaxForward', label, () => [output(n), x(), g]),
    kernelCase('logSoftmaxBackward', label, () => [output(n), dy(), logs(), g]),
  ];
}

export const cases: KernelCase[] = [
  ...softmaxCases('U-Net (32,11,64,88) over axis 1', [32, 11, 64, 88], 1, 1),
  ...softmaxCases('(64,10) over the last axis', [64, 10], -1, 2),
  ...softmaxCases('(6,3) over the last axis: a last group of 2', [6, 3], 1, 8),
  ...softmaxCases('(3,5,7) over axis 1, inner 7', [3, 5, 7], 1, 3),
  ...softmaxCases('(5,1,6) over axis 1, K = 1', [5, 1, 6], 1, 4),
  ...softmaxCases('(2,3,2) over axis 1, inner 2', [2, 3, 2], 1, 5),
  ...softmaxCases('(7) over axis 0, one fibre', [7], 0, 6),
  ...softmaxCases('(3,4) logits of +-1e4', [3, 4], 1, 7, 1e4),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    shape: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
    axis: fc.nat(),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) =>
    softmaxCases(`random ${JSON.stringify(p)}`, p.shape, p.axis % p.shape.length, p.seed),
  );
