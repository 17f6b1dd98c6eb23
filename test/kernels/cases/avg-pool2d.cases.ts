/** Average pooling, with padding counted in the divisor (PyTorch's default) and not. */
import fc from 'fast-check';
import { pool2dGeometry, type Pool2dOptions } from '../../../src/shape/pool2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function avgPoolCases(
  label: string,
  xShape: Shape,
  options: Pool2dOptions,
  seed: number,
): KernelCase[] {
  const g = pool2dGeometry(xShape, options);
  const ySize = g.N * g.C * g.OH * g.OW;
  return [true, false].flatMap((countIncludePad) => {
    const mode = { countIncludePad };
    const name = `${label}, countIncludePad ${countIncludePad}`;
    return [
      kernelCase('avgPool2dForward', name, () => [
        output(ySize),
        values(seeded(seed), sizeOf(xShape)),
        g,
        mode,
      ]),
      kernelCase('avgPool2dBackward', name, () => [
        output(sizeOf(xShape)),
        values(seeded(seed + 1), ySize),
        g,
        mode,
      ]),
    ];
  });
}

export const cases: KernelCase[] = [
  ...avgPoolCases('2x2 stride 2', [3, 4, 28, 28], { kernelSize: 2 }, 300),
  ...avgPoolCases('2x2 stride 2, odd input', [2, 3, 11, 13], { kernelSize: 2 }, 301),
  ...avgPoolCases(
    '3x3 stride 2 padding 1',
    [2, 3, 9, 9],
    { kernelSize: 3, stride: 2, padding: 1 },
    302,
  ),
  ...avgPoolCases(
    'non-square kernel and stride',
    [1, 2, 7, 10],
    { kernelSize: [3, 2], stride: [1, 2], padding: [1, 0] },
    303,
  ),
  ...avgPoolCases('3x3 stride 1, N = 1', [1, 5, 6, 6], { kernelSize: 3, stride: 1 }, 304),
];

const pair = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 1, max: 4 }),
    H: fc.integer({ min: 1, max: 13 }),
    W: fc.integer({ min: 1, max: 13 }),
    kernel: pair(1, 4),
    stride: pair(1, 3),
    padding: pair(0, 2),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter((p) =>
    [0, 1].every(
      (a) => 2 * p.padding[a] <= p.kernel[a] && p.kernel[a] <= [p.H, p.W][a] + 2 * p.padding[a],
    ),
  )
  .map((p) =>
    avgPoolCases(
      `random ${JSON.stringify(p)}`,
      [p.N, p.C, p.H, p.W],
      { kernelSize: p.kernel, stride: p.stride, padding: p.padding },
      p.seed,
    ),
  );
