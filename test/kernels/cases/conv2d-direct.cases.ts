/**
 * conv2d's forward and the fused conv2dReluPoolForward forced onto the direct path
 * (src/kernels/wasm/conv2d-path.ts, assembly/conv2d-direct.ts): 1, 2, 3 and 8 input channels (and
 * 4 with 5x5, R = 100, beyond the rule's 75), 3x3, 5x5 and non-square kernels, padding 0 to 2,
 * strides 1 and 2 (per axis too), dilation 2, filter counts that are not multiples of the
 * kernel's 4, outputs that are not multiples of its 8-wide block (tails of 1 to 7) or narrower
 * than one, N = 1 (threads split rows, pairs when pooling), N above the thread count, and NaN.
 * The direct kernel sums the taps in order as a plain dot product does (the bias first when
 * there is no scale), so the default tolerance.
 */
import fc from 'fast-check';
import { withConv2dPath } from '../../../src/kernels/wasm/conv2d-path.js';
import {
  conv2dGeometry,
  conv2dOutputShape,
  type Conv2dOptions,
} from '../../../src/shape/conv2d.js';
import { pool2dGeometry } from '../../../src/shape/pool2d.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, kernelFits, output, pair, seeded, values, type KernelCase } from './case.js';
import { fusedCases, POOLS } from './conv2d-relu-pool.cases.js';

const around = <T>(run: () => T): T => withConv2dPath('direct', run);

/** conv2dForward with and without bias, forced direct. */
function forwardCases(
  label: string,
  xShape: Shape,
  wShape: Shape,
  options: Conv2dOptions,
  seed: number,
): KernelCase[] {
  const g = conv2dGeometry(xShape, wShape, options, wShape[0]);
  const ySize = sizeOf(conv2dOutputShape(g));
  const operands = () => {
    const rng = seeded(seed);
    return { x: values(rng, sizeOf(xShape)), w: values(rng, sizeOf(wShape)), b: values(rng, g.F) };
  };
  return [
    kernelCase(
      'conv2dForward',
      `direct: ${label}`,
      () => {
        const { x, w, b } = operands();
        return [output(ySize), x, w, b, g];
      },
      { around },
    ),
    kernelCase(
      'conv2dForward',
      `direct: ${label}, no bias`,
      () => {
        const { x, w } = operands();
        return [output(ySize), x, w, null, g];
      },
      { around },
    ),
  ];
}

/** Forward and fused cases of one problem; pools only where the output is at least 2x2. */
function directCases(
  label: string,
  xShape: Shape,
  wShape: Shape,
  options: Conv2dOptions,
  seed: number,
  pools: typeof POOLS = POOLS,
): KernelCase[] {
  const g = conv2dGeometry(xShape, wShape, options, wShape[0]);
  const pooled = g.OH >= 2 && g.OW >= 2 ? pools : pools.filter(([, pool]) => pool === null);
  return [
    ...forwardCases(label, xShape, wShape, options, seed),
    ...fusedCases('direct', label, xShape, wShape, options, seed, pooled),
  ];
}

const grid: [string, Shape, Shape, Conv2dOptions][] = [
  [
    "the seed net's first layer: 1 -> 32, 28x28, N = 2",
    [2, 1, 28, 28],
    [32, 1, 3, 3],
    { padding: 1 },
  ],
  [
    'N = 1 (rows split across threads), 1 -> 6, odd 13x11',
    [1, 1, 13, 11],
    [6, 1, 3, 3],
    { padding: 1 },
  ],
  ['C = 2, 5x5 padding 2, N = 5, 7 filters', [5, 2, 12, 9], [7, 2, 5, 5], { padding: 2 }],
  ['C = 3, padding 0, 13x13 output (a tail of 5)', [4, 3, 15, 15], [5, 3, 3, 3], {}],
  ['C = 3, stride 2 padding 1', [3, 3, 17, 19], [6, 3, 3, 3], { stride: 2, padding: 1 }],
  [
    'N = 1, C = 1, stride 2, 5x5 padding 2',
    [1, 1, 21, 20],
    [3, 1, 5, 5],
    { stride: 2, padding: 2 },
  ],
  ['output 5 wide, narrower than a block', [2, 2, 6, 5], [9, 2, 3, 3], { padding: 1 }],
  ['N = 1, output 3 wide, 2 rows', [1, 1, 2, 3], [4, 1, 3, 3], { padding: 1 }],
  [
    'dilation 2, stride (1, 2)',
    [2, 3, 12, 14],
    [4, 3, 3, 3],
    { dilation: 2, padding: 2, stride: [1, 2] },
  ],
  ['2x5 kernel, padding (0, 2), output 16 wide', [3, 1, 9, 16], [5, 1, 2, 5], { padding: [0, 2] }],
  ['one filter, 1x1 output', [2, 3, 3, 3], [1, 3, 3, 3], {}],
  ["N = 1, the U-Net's first layer 1 -> 8 at 16x24", [1, 1, 16, 24], [8, 1, 3, 3], { padding: 1 }],
  ['C = 8 (R = 72)', [3, 8, 10, 10], [12, 8, 3, 3], { padding: 1 }],
  ['C = 4, 5x5 (R = 100, beyond the rule)', [2, 4, 9, 12], [6, 4, 5, 5], { padding: 2 }],
];

/** NaN in x reaches y through the sums, and the ReLU and the pool keep it (lib/direct-pool.ts). */
function nanCases(): KernelCase[] {
  const g = conv2dGeometry([2, 1, 10, 11], [5, 1, 3, 3], { padding: 1 }, 5);
  return POOLS.slice(0, 2).map(([poolLabel, poolOptions]) => {
    const pool =
      poolOptions === null ? null : pool2dGeometry(conv2dOutputShape(g), poolOptions, 'maxPool2d');
    const ySize = sizeOf(pool === null ? conv2dOutputShape(g) : [pool.N, pool.C, pool.OH, pool.OW]);
    return kernelCase(
      'conv2dReluPoolForward',
      `direct: NaN in x, ${poolLabel}`,
      () => {
        const rng = seeded(450);
        const x = values(rng, 2 * 10 * 11);
        x[37] = NaN;
        x[150] = NaN;
        return [output(ySize), x, values(rng, 45), values(rng, 5), values(rng, 5), g, pool];
      },
      { around },
    );
  });
}

export const cases: KernelCase[] = [
  ...grid.flatMap(([label, x, w, options], i) => directCases(label, x, w, options, 400 + i)),
  ...nanCases(),
];

export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    N: fc.integer({ min: 1, max: 4 }),
    C: fc.integer({ min: 1, max: 4 }),
    F: fc.integer({ min: 1, max: 9 }),
    H: fc.integer({ min: 1, max: 20 }),
    W: fc.integer({ min: 1, max: 20 }),
    kernel: pair(1, 5),
    stride: pair(1, 2),
    padding: pair(0, 2),
    dilation: pair(1, 2),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter(kernelFits)
  .map((p) =>
    directCases(
      `random ${JSON.stringify(p)}`,
      [p.N, p.C, p.H, p.W],
      [p.F, p.C, ...p.kernel],
      { stride: p.stride, padding: p.padding, dilation: p.dilation },
      p.seed,
      POOLS.slice(0, 2),
    ),
  );
