/** ReLU: selects only, so bitwise equal to the reference; lengths around the SIMD width, NaN, -0. */
import { kernelCase, output, seeded, values, type KernelCase } from './case.js';

function reluCases(n: number): KernelCase[] {
  const operands = () => {
    const rng = seeded(n);
    const x = values(rng, n);
    if (n > 4) x.set([0, -0, NaN], 1);
    return { x, dy: values(rng, n) };
  };
  return [
    kernelCase('reluForward', `${n} elements`, () => [output(n), operands().x], { exact: true }),
    kernelCase(
      'reluBackward',
      `${n} elements`,
      () => {
        const { x, dy } = operands();
        return [output(n), dy, x];
      },
      { exact: true },
    ),
  ];
}

export const cases: KernelCase[] = [1, 3, 7, 64, 1001].flatMap(reluCases);
