/**
 * Batch norm with its ReLU in training (batchNorm2dRelu{Forward,Backward}Train), with and without
 * the affine part: planes not multiples of 4, C not divisible by the threads, a channel offset by
 * 100, a single image; the backward's mask y as a ReLU leaves it (zeros, positives) with a NaN
 * (not > 0: masked), and the parameter gradients alone.
 */
import { batchNorm2dGeometry } from '../../../src/shape/batch-norm2d.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

const EPS = 1e-5;

function batchNormReluCases(
  N: number,
  C: number,
  H: number,
  W: number,
  offset: number,
  seed: number,
): KernelCase[] {
  const g = batchNorm2dGeometry([N, C, H, W]);
  const size = N * C * H * W;
  const operands = (affine: boolean) => {
    const rng = seeded(seed);
    const x = values(rng, size, 1, offset);
    const dy = values(rng, size);
    const y = values(rng, size).map((v) => Math.max(v, 0));
    y[Math.floor(size / 2)] = NaN;
    const mean = values(rng, C, 1, offset);
    const variance = values(rng, C).map((v) => Math.fround(Math.abs(v) + 0.5));
    const [gamma, beta] = affine ? [values(rng, C), values(rng, C)] : [null, null];
    return { x, dy, y, mean, variance, gamma, beta };
  };
  return [true, false].flatMap((affine) => {
    const label = `(${N},${C},${H},${W}) offset ${offset}${affine ? '' : ', no affine'}`;
    const dParams = () => (affine ? output(C) : null);
    return [
      kernelCase('batchNorm2dReluForwardTrain', label, () => {
        const { x, gamma, beta } = operands(affine);
        return [output(size), output(C), output(C), x, gamma, beta, EPS, g];
      }),
      kernelCase('batchNorm2dReluBackwardTrain', label, () => {
        const { x, dy, y, gamma, mean, variance } = operands(affine);
        return [output(size), dParams(), dParams(), dy, y, x, gamma, mean, variance, EPS, g];
      }),
      kernelCase('batchNorm2dReluBackwardTrain', `${label}, parameter gradients alone`, () => {
        const { x, dy, y, gamma, mean, variance } = operands(affine);
        return [null, dParams(), dParams(), dy, y, x, gamma, mean, variance, EPS, g];
      }),
    ];
  });
}

export const cases: KernelCase[] = [
  [2, 3, 5, 7, 0],
  [4, 5, 7, 7, 100],
  [1, 2, 3, 1, 0],
  [16, 8, 14, 14, 0],
  [3, 1, 1, 2, -3],
].flatMap(([N, C, H, W, offset], i) => batchNormReluCases(N, C, H, W, offset, 70 + i));
