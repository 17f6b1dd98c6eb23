/**
 * The elementwise activations (leaky ReLU, sigmoid, tanh, GELU, SiLU) and dropout: lengths
 * around the SIMD width and work that does not divide among threads, with values where the f32
 * transcendentals are hardest (0, tiny, the tails, where exp overflows).
 */
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

const EDGES = [0, -0, 1e-8, -1e-8, 0.63, -0.63, 9, -9, 40, -40, 87, -87, 100, -100, 1e30, -1e30];
const LENGTHS = [1, 3, 4, 5, 17, 1000];

/** x with the edge values at the front (as many as fit), then normal values times 3. */
function operands(n: number, seed: number): { x: Float64Array; dy: Float64Array } {
  const rng = seeded(seed);
  const x = values(rng, n, 3);
  x.set(EDGES.slice(0, n).map(Math.fround));
  return { x, dy: values(rng, n) };
}

type Unary = 'sigmoid' | 'tanh' | 'gelu' | 'silu';

/** Forward, and backward from what it reads: y for sigmoid and tanh, x for GELU and SiLU. */
function unaryCases(op: Unary, readsOutput: boolean): KernelCase[] {
  return LENGTHS.flatMap((n, i) => {
    const label = `${n} elements`;
    return [
      kernelCase(`${op}Forward`, label, () => [output(n), operands(n, i).x]),
      kernelCase(`${op}Backward`, label, () => {
        const { x, dy } = operands(n, i);
        // The saved forward output, rounded to float32 as the forward would have stored it.
        const saved = readsOutput
          ? x.map((v) => Math.fround(op === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : Math.tanh(v)))
          : x;
        return [output(n), dy, saved];
      }),
    ];
  });
}

const leakyRelu: KernelCase[] = LENGTHS.flatMap((n, i) =>
  [0.01, 0.2].flatMap((slope) => [
    kernelCase('leakyReluForward', `${n} elements, slope ${slope}`, () => [
      output(n),
      operands(n, i).x,
      slope,
    ]),
    kernelCase('leakyReluBackward', `${n} elements, slope ${slope}`, () => {
      const { x, dy } = operands(n, i);
      return [output(n), dy, x, slope];
    }),
  ]),
);

// Dropout only multiplies by one f64 scale and rounds once: bitwise the reference's.
const dropout: KernelCase[] = LENGTHS.flatMap((n, i) =>
  [0, 0.1, 0.5, 1].flatMap((p) => [
    kernelCase(
      'dropoutForward',
      `${n} elements, p ${p}`,
      () => [output(n), operands(n, i).x, 1234 + i, p],
      { exact: true },
    ),
    kernelCase(
      'dropoutBackward',
      `${n} elements, p ${p}`,
      () => [output(n), operands(n, i).dy, 0xffffffff - i, p],
      { exact: true },
    ),
  ]),
);

export const cases: KernelCase[] = [
  ...unaryCases('sigmoid', true),
  ...unaryCases('tanh', true),
  ...unaryCases('gelu', false),
  ...unaryCases('silu', false),
  ...leakyRelu,
  ...dropout,
];
