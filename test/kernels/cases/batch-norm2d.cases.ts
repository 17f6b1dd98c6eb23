/**
 * Batch norm, training and evaluation, forward and backward, with and without the affine part:
 * planes not multiples of 4, C not divisible by the threads, a channel offset by 100 (the
 * variance must not cancel), a single image, and the parameter gradients alone.
 */
import { batchNorm2dGeometry } from '../../../src/shape/batch-norm2d.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

const EPS = 1e-5;

function batchNormCases(
  N: number,
  C: number,
  H: number,
  W: number,
  offset: number,
  seed: number,
): KernelCase[] {
  const g = batchNorm2dGeometry([N, C, H, W]);
  const size = N * C * H * W;
  const operands = () => {
    const rng = seeded(seed);
    const x = values(rng, size, 1, offset);
    const dy = values(rng, size);
    // Statistics as a forward saved them (batch) or as running averages (evaluation).
    const mean = values(rng, C, 1, offset);
    const variance = values(rng, C).map((v) => Math.fround(Math.abs(v) + 0.5));
    return { x, dy, mean, variance, gamma: values(rng, C), beta: values(rng, C) };
  };
  return [true, false].flatMap((affine) => {
    const label = `(${N},${C},${H},${W}) offset ${offset}${affine ? '' : ', no affine'}`;
    const params = () => {
      const o = operands();
      return { ...o, gamma: affine ? o.gamma : null, beta: affine ? o.beta : null };
    };
    const gradients = (): [Float64Array, Float64Array | null, Float64Array | null] => [
      output(size),
      affine ? output(C) : null,
      affine ? output(C) : null,
    ];
    return [
      kernelCase('batchNorm2dForwardTrain', label, () => {
        const { x, gamma, beta } = params();
        return [output(size), output(C), output(C), x, gamma, beta, EPS, g];
      }),
      kernelCase('batchNorm2dBackwardTrain', label, () => {
        const { x, dy, gamma, mean, variance } = params();
        return [...gradients(), dy, x, gamma, mean, variance, EPS, g];
      }),
      kernelCase('batchNorm2dBackwardTrain', `${label}, dgamma alone`, () => {
        const { x, dy, gamma, mean, variance } = params();
        return [null, affine ? output(C) : null, null, dy, x, gamma, mean, variance, EPS, g];
      }),
      kernelCase('batchNorm2dForwardEval', label, () => {
        const { x, gamma, beta, mean, variance } = params();
        return [output(size), x, mean, variance, gamma, beta, EPS, g];
      }),
      kernelCase('batchNorm2dBackwardEval', label, () => {
        const { x, dy, gamma, mean, variance } = params();
        return [...gradients(), dy, x, mean, variance, gamma, EPS, g];
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
].flatMap(([N, C, H, W, offset], i) => batchNormCases(N, C, H, W, offset, 40 + i));

/** The running statistics' update (exact: f64 arithmetic in the reference's order). */
function runningStatsCase(
  N: number,
  C: number,
  H: number,
  W: number,
  momentum: number,
  seed: number,
) {
  const g = batchNorm2dGeometry([N, C, H, W]);
  return kernelCase(
    'batchNorm2dUpdateRunningStats',
    `(${N},${C},${H},${W}) momentum ${momentum}`,
    () => {
      const rng = seeded(seed);
      const variance = () => values(rng, C).map((v) => Math.fround(Math.abs(v) + 0.5));
      return [values(rng, C), variance(), values(rng, C, 1, 3), variance(), momentum, g];
    },
    { exact: true },
  );
}

cases.push(
  runningStatsCase(32, 16, 64, 88, 0.1, 60),
  runningStatsCase(2, 3, 5, 7, 0.01, 61),
  runningStatsCase(1, 5, 1, 2, 0.5, 62),
  runningStatsCase(4, 1, 3, 3, 1, 63),
);
