/** convTranspose2d: forward and each backward kernel on the shared grid and random geometries. */
import fc from 'fast-check';
import {
  convTranspose2dGeometry,
  type ConvTranspose2dOptions,
} from '../../../src/shape/conv-transpose2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, output, pair, seeded, values, type KernelCase } from './case.js';

function convTransposeCases(
  label: string,
  xShape: Shape,
  wShape: Shape,
  options: ConvTranspose2dOptions,
  seed: number,
): KernelCase[] {
  const g = convTranspose2dGeometry(xShape, wShape, options);
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
    kernelCase('convTranspose2dForward', label, () => {
      const { x, w, b } = operands();
      return [output(ySize), x, w, b, g];
    }),
    kernelCase('convTranspose2dForward', `${label}, no bias`, () => {
      const { x, w } = operands();
      return [output(ySize), x, w, null, g];
    }),
    kernelCase('convTranspose2dBackwardInput', label, () => {
      const { x, w, dy } = operands();
      return [output(x.length), dy, w, g];
    }),
    kernelCase('convTranspose2dBackwardWeight', label, () => {
      const { x, w, dy } = operands();
      return [output(w.length), dy, x, g];
    }),
    kernelCase('convTranspose2dBackwardBias', label, () => {
      const { b, dy } = operands();
      return [output(b.length), dy, g];
    }),
  ];
}

/** [label, x (N,C,H,W), w (C,F/groups,KH,KW), options] */
const grid: [string, Shape, Shape, ConvTranspose2dOptions][] = [
  ['k2 stride 2 (the U-Net upsampler)', [2, 6, 5, 5], [6, 4, 2, 2], { stride: 2 }],
  [
    'k3 stride 2 padding 1 output padding 1',
    [2, 5, 6, 7],
    [5, 3, 3, 3],
    { stride: 2, padding: 1, outputPadding: 1 },
  ],
  ['k3 stride 1 padding 1', [3, 4, 8, 8], [4, 5, 3, 3], { padding: 1 }],
  ['dilation 2', [2, 3, 6, 5], [3, 4, 3, 3], { dilation: 2, padding: 1 }],
  [
    'dilation 2, stride 3, output padding (2,1)',
    [2, 3, 4, 5],
    [3, 2, 3, 2],
    { dilation: 2, stride: 3, outputPadding: [2, 1] },
  ],
  ['groups 2', [2, 6, 5, 6], [6, 3, 3, 3], { groups: 2, stride: 2, padding: 1 }],
  ['depthwise (groups = C)', [2, 5, 6, 6], [5, 1, 2, 2], { groups: 5, stride: 2 }],
  ['1x1 kernel (direct GEMM path)', [3, 7, 5, 6], [7, 9, 1, 1], {}],
  ['1x1 kernel, stride 2', [2, 4, 5, 5], [4, 3, 1, 1], { stride: 2 }],
  [
    '1x1 kernel, dilation 2, output padding 1 (output larger than the input)',
    [2, 3, 4, 5],
    [3, 2, 1, 1],
    { dilation: 2, outputPadding: 1 },
  ],
  [
    'odd sizes, channels not multiples of 4 or 8',
    [5, 3, 7, 5],
    [3, 7, 5, 3],
    { stride: [2, 1], padding: [2, 1] },
  ],
  ['N = 1 (output channels split across threads)', [1, 6, 5, 5], [6, 13, 3, 3], { stride: 2 }],
  ['N = 1, fewer output channels than threads', [1, 4, 3, 3], [4, 1, 3, 3], { padding: 1 }],
  [
    'non-square kernel, per-axis stride and padding',
    [3, 2, 4, 6],
    [2, 6, 2, 5],
    { stride: [1, 3], padding: [0, 2] },
  ],
  ['K larger than one cache block (C = 300)', [2, 300, 3, 3], [300, 5, 2, 2], { stride: 2 }],
  ['N not divisible by the thread count', [7, 2, 4, 4], [2, 3, 3, 3], { stride: 2, padding: 1 }],
];

export const cases: KernelCase[] = grid.flatMap(([label, x, w, options], i) =>
  convTransposeCases(label, x, w, options, 200 + i),
);

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cPerGroup: fc.integer({ min: 1, max: 4 }),
    fPerGroup: fc.integer({ min: 1, max: 5 }),
    H: fc.integer({ min: 1, max: 8 }),
    W: fc.integer({ min: 1, max: 8 }),
    kernel: pair(1, 4),
    stride: pair(1, 3),
    padding: pair(0, 2),
    outputPadding: pair(0, 2),
    dilation: pair(1, 2),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter((p) =>
    [0, 1].every(
      (a) =>
        (p.outputPadding[a] < p.stride[a] || p.outputPadding[a] < p.dilation[a]) &&
        ([p.H, p.W][a] - 1) * p.stride[a] -
          2 * p.padding[a] +
          p.dilation[a] * (p.kernel[a] - 1) +
          p.outputPadding[a] +
          1 >=
          1,
    ),
  )
  .map((p) => {
    const x = [p.N, p.groups * p.cPerGroup, p.H, p.W];
    const w = [p.groups * p.cPerGroup, p.fPerGroup, ...p.kernel];
    const options = {
      stride: p.stride,
      padding: p.padding,
      outputPadding: p.outputPadding,
      dilation: p.dilation,
      groups: p.groups,
    };
    return convTransposeCases(`random ${JSON.stringify(p)}`, x, w, options, p.seed);
  });
