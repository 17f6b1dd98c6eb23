/**
 * add, sub, mul and div with broadcasting: operands of equal shape, a row or a per-channel
 * vector, a scalar, both broadcast at once; backward sums over the axes each was broadcast along.
 */
import fc from 'fast-check';
import { broadcastGeometry } from '../../../src/shape/broadcast.js';
import { sizeOf, type Shape } from '../../../src/tensor.js';
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

function binaryCases(op: BinaryOp, aShape: Shape, bShape: Shape, seed: number): KernelCase[] {
  const g = broadcastGeometry(aShape, bShape, op);
  const label = `(${aShape.join(',')}) ${op} (${bShape.join(',')})`;
  const n = sizeOf(g.shape);
  const operands = () => {
    const rng = seeded(seed);
    const a = values(rng, sizeOf(aShape));
    // Divisors kept away from 0, where the quotient's float32 rounding would dominate.
    const b =
      op === 'div'
        ? values(rng, sizeOf(bShape)).map((v) =>
            Math.fround(Math.sign(v || 1) * (Math.abs(v) + 0.5)),
          )
        : values(rng, sizeOf(bShape));
    return { a, b, dy: values(rng, n) };
  };
  const forward = kernelCase(`${op}Forward`, label, () => {
    const { a, b } = operands();
    return [output(n), a, b, g];
  });
  if (op === 'add' || op === 'sub') {
    const name = op === 'add' ? 'addBackward' : 'subBackward';
    return [
      forward,
      kernelCase(name, label, () => [
        output(sizeOf(aShape)),
        output(sizeOf(bShape)),
        operands().dy,
        g,
      ]),
      kernelCase(name, `${label}, db only`, () => [null, output(sizeOf(bShape)), operands().dy, g]),
    ];
  }
  const name = op === 'mul' ? 'mulBackward' : 'divBackward';
  return [
    forward,
    kernelCase(name, label, () => {
      const { a, b, dy } = operands();
      return [output(a.length), output(b.length), dy, a, b, g];
    }),
    kernelCase(name, `${label}, da only`, () => {
      const { a, b, dy } = operands();
      return [output(a.length), null, dy, a, b, g];
    }),
  ];
}

const SHAPES: [Shape, Shape][] = [
  [[1000], [1000]],
  [
    [2, 3, 4],
    [3, 1],
  ],
  [[1], [2, 5]],
  [
    [4, 1, 3],
    [1, 5, 1],
  ],
  [
    [2, 3, 5, 7],
    [1, 3, 1, 1],
  ],
  [[6, 17], [17]],
  [[], [3, 2]],
  [[7, 9], []],
];

const OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div'];

export const cases: KernelCase[] = OPS.flatMap((op) =>
  SHAPES.flatMap(([a, b], i) => binaryCases(op, a, b, 500 + i)),
);

/** A shape of rank 0..4 and two operands that each keep or broadcast (size 1) every axis. */
export const random: fc.Arbitrary<KernelCase[]> = fc
  .record({
    dims: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }),
    keepA: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    keepB: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    op: fc.constantFrom(...OPS),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .map((p) => {
    const a = p.dims.map((d, k) => (p.keepA[k] ? d : 1));
    const b = p.dims.map((d, k) => (p.keepB[k] ? d : 1));
    return binaryCases(p.op, a, b, p.seed);
  });
