/**
 * Softmax cross-entropy per position: (N,K) classification and (N,K,H,W) segmentation logits,
 * class weights, ignored labels, and logits of +-1e4 (logsumexp must stay exact).
 */
import fc from 'fast-check';
import { crossEntropyGeometry } from '../../../src/shape/cross-entropy.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function crossEntropyCases(
  label: string,
  shape: number[],
  weighted: boolean,
  ignoreIndex: number,
  seed: number,
  logitScale = 1,
): KernelCase[] {
  const [N, K, ...positions] = shape;
  const P = N * positions.reduce((p, d) => p * d, 1);
  const g = crossEntropyGeometry(shape, P, weighted ? K : null);
  const operands = () => {
    const rng = seeded(seed);
    const logits = values(rng, N * K * (P / N), logitScale);
    // Every fifth position is ignored when an ignore index is used.
    const labels = Int32Array.from({ length: P }, (_, p) =>
      ignoreIndex >= 0 && p % 5 === 2 ? ignoreIndex : rng.int(K),
    );
    const weight = weighted ? values(rng, K).map((v) => Math.fround(Math.abs(v) + 0.1)) : null;
    return { logits, labels, weight, dlosses: values(rng, P) };
  };
  return [
    kernelCase('crossEntropyForward', label, () => {
      const { logits, labels, weight } = operands();
      return [output(P), logits, labels, weight, ignoreIndex, g];
    }),
    kernelCase('crossEntropyBackward', label, () => {
      const { logits, labels, weight, dlosses } = operands();
      return [output(logits.length), dlosses, logits, labels, weight, ignoreIndex, g];
    }),
  ];
}

export const cases: KernelCase[] = [
  ...crossEntropyCases('(64,10), the classifier', [64, 10], false, -100, 1),
  ...crossEntropyCases('(3,4), logits of +-1e4', [3, 4], false, -100, 2, 1e4),
  ...crossEntropyCases('(5,7), class weights', [5, 7], true, -100, 3),
  ...crossEntropyCases(
    '(2,3,5,7) per pixel, weights, ignore index 255',
    [2, 3, 5, 7],
    true,
    255,
    4,
  ),
  ...crossEntropyCases('(1,11,6,4) per pixel, N = 1', [1, 11, 6, 4], false, 0, 5),
  // H*W a multiple of 4: four pixels per vector (assembly/cross-entropy.ts).
  ...crossEntropyCases(
    '(3,5,4,6) per pixel in vectors, weights, ignore 255',
    [3, 5, 4, 6],
    true,
    255,
    6,
  ),
  ...crossEntropyCases(
    '(2,4,2,6) per pixel in vectors, logits of +-1e4',
    [2, 4, 2, 6],
    true,
    -100,
    7,
    1e4,
  ),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    N: fc.integer({ min: 1, max: 6 }),
    K: fc.integer({ min: 1, max: 12 }),
    positions: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }),
    weighted: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) =>
    crossEntropyCases(
      `random ${JSON.stringify(p)}`,
      [p.N, p.K, ...p.positions],
      p.weighted,
      255,
      p.seed,
    ),
  );
