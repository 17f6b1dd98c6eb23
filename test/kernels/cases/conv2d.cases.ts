/** conv2d: forward and the fused backward (every gradient, and dw alone) on the shared grid. */
import fc from 'fast-check';
import { conv2dGeometry, type Conv2dOptions } from '../../../src/shape/conv2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, kernelFits, output, pair, seeded, values, type KernelCase } from './case.js';

/** Forward (with and without bias) and backward (all gradients, dw alone) cases of one problem. */
export function convCases(
  label: string,
  xShape: Shape,
  wShape: Shape,
  options: Conv2dOptions,
  seed: number,
  caseOptions: Pick<KernelCase, 'tolerance' | 'around'> = {},
): KernelCase[] {
  const g = conv2dGeometry(xShape, wShape, options, wShape[0]);
  const ySize = g.N * g.F * g.OH * g.OW;
  const operands = () => {
    const rng = seeded(seed);
    return {
      x: values(rng, sizeOf(xShape)),
      w: values(rng, sizeOf(wShape)),
      b: values(rng, g.F),
      dy: values(rng, ySize),
    };
  };
  return [
    kernelCase(
      'conv2dForward',
      label,
      () => {
        const { x, w, b } = operands();
        return [output(ySize), x, w, b, g];
      },
      caseOptions,
    ),
    kernelCase(
      'conv2dForward',
      `${label}, no bias`,
      () => {
        const { x, w } = operands();
        return [output(ySize), x, w, null, g];
      },
      caseOptions,
    ),
    kernelCase(
      'conv2dBackward',
      label,
      () => {
        const { x, w, b, dy } = operands();
        return [output(x.length), output(w.length), output(b.length), dy, x, w, g];
      },
      caseOptions,
    ),
    kernelCase(
      'conv2dBackward',
      `${label}, dw only`,
      () => {
        const { x, w, dy } = operands();
        return [null, output(w.length), null, dy, x, w, g];
      },
      caseOptions,
    ),
  ];
}

const grid: [string, Shape, Shape, Conv2dOptions][] = [
  ['3x3 padding 1 (the seed net)', [2, 3, 8, 8], [4, 3, 3, 3], { padding: 1 }],
  ['stride 2 padding 1', [2, 3, 9, 9], [5, 3, 3, 3], { stride: 2, padding: 1 }],
  ['dilation 2', [2, 3, 12, 10], [4, 3, 3, 3], { dilation: 2, padding: 2 }],
  ['groups 2', [2, 6, 9, 9], [10, 3, 3, 3], { groups: 2, padding: 1 }],
  ['depthwise', [2, 5, 8, 7], [5, 1, 3, 3], { groups: 5, padding: 1 }],
  ['1x1 kernel (direct GEMM path)', [3, 7, 5, 6], [9, 7, 1, 1], {}],
  ['1x1 kernel, stride 2', [2, 4, 7, 7], [3, 4, 1, 1], { stride: 2 }],
  [
    'odd sizes, channels not multiples of 4 or 8',
    [5, 3, 13, 11],
    [7, 3, 5, 3],
    { padding: [2, 1] },
  ],
  ['N = 1 (output rows split across threads)', [1, 6, 10, 10], [13, 6, 3, 3], { padding: 1 }],
  ['N = 1, 1x1 kernel (direct GEMM on a band of rows)', [1, 5, 7, 9], [6, 5, 1, 1], {}],
  ['N = 1, stride 2, groups 2', [1, 4, 11, 9], [6, 2, 3, 3], { stride: 2, padding: 1, groups: 2 }],
  ['N = 2, two output rows: fewer rows than 3 threads', [2, 3, 4, 6], [5, 3, 3, 3], {}],
  [
    'non-square kernel, per-axis stride and padding',
    [3, 2, 9, 14],
    [6, 2, 2, 5],
    { stride: [1, 3], padding: [0, 2] },
  ],
  ['kernel as large as the input', [2, 3, 5, 5], [4, 3, 5, 5], {}],
  ['K larger than one cache block (C*KH*KW = 300)', [2, 12, 8, 8], [17, 12, 5, 5], { padding: 2 }],
  ['N not divisible by the thread count', [7, 2, 6, 6], [3, 2, 3, 3], {}],
  [
    '3x3, 24 -> 20 channels (the rule picks Winograd)',
    [3, 24, 10, 9],
    [20, 24, 3, 3],
    { padding: 1 },
  ],
  [
    'groups 2, stride (2,1): threads split unevenly',
    [5, 6, 13, 11],
    [10, 3, 3, 3],
    { groups: 2, padding: 1, stride: [2, 1] },
  ],
];

export const cases: KernelCase[] = grid.flatMap(([label, x, w, options], i) =>
  convCases(label, x, w, options, 100 + i),
);

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cPerGroup: fc.integer({ min: 1, max: 4 }),
    fPerGroup: fc.integer({ min: 1, max: 5 }),
    H: fc.integer({ min: 1, max: 12 }),
    W: fc.integer({ min: 1, max: 12 }),
    kernel: pair(1, 4),
    stride: pair(1, 3),
    padding: pair(0, 2),
    dilation: pair(1, 2),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter(kernelFits)
  .map((p) => {
    const x = [p.N, p.groups * p.cPerGroup, p.H, p.W];
    const w = [p.groups * p.fPerGroup, p.cPerGroup, ...p.kernel];
    const options = {
      stride: p.stride,
      padding: p.padding,
      dilation: p.dilation,
      groups: p.groups,
    };
    return convCases(`random ${JSON.stringify(p)}`, x, w, options, p.seed);
  });
