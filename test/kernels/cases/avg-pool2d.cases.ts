/** Average pooling, with padding counted in the divisor (PyTorch's default) and not. */
import fc from 'fast-check';
import { pool2dGeometry, type Pool2dOptions } from '../../../src/shape/pool2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, output, randomPool2d, seeded, values, type KernelCase } from './case.js';

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

export const random: fc.Arbitrary<KernelCase[]> = randomPool2d.map((p) =>
  avgPoolCases(p.label, p.xShape, p.options, p.seed),
);
