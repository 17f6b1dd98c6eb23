/**
 * Shared checks for the reference-kernel tests.
 *
 * A backward kernel computes a vector-Jacobian product: with dy fixed, its dx is the gradient
 * of the scalar L(x) = sum_i forward(x)[i] * dy[i]. assertVjp checks that gradient by central
 * differences in float64 (src/check/gradient-check.ts), so every output of the forward counts.
 */
import fc from 'fast-check';
import { assertClose } from '../../../src/check/compare.js';
import { assertGradient, type GradientCheckOptions } from '../../../src/check/gradient-check.js';
import { dot } from '../../helpers.js';

export function assertVjp(
  name: string,
  forward: () => ArrayLike<number>,
  x: Float64Array,
  dy: ArrayLike<number>,
  dx: ArrayLike<number>,
  options: GradientCheckOptions = {},
): void {
  assertGradient(name, () => dot(forward(), dy), x, dx, options);
}

/** Hand-computed values: exact up to float64 rounding of the formula. */
export function assertValues(actual: ArrayLike<number>, expected: readonly number[], label = 'y') {
  assertClose(actual, expected, { rtol: 1e-12, atol: 1e-12 }, label);
}

/**
 * Two shapes that broadcast (numpy rules): an output shape of rank 1..3, and for each operand
 * some leading axes dropped and some axes set to 1.
 */
export const broadcastShapes = fc
  .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 })
  .chain((out) => fc.tuple(operandShape(out), operandShape(out)).map(([a, b]) => ({ out, a, b })));

function operandShape(out: number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(
      fc.integer({ min: 0, max: out.length - 1 }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    )
    .map(([drop, ones]) => out.map((d, k) => (ones[k] ? 1 : d)).slice(drop));
}

/** fast-check runs in the tests: seeded, so every run draws the same cases. */
export const seeded = { seed: 20240610, numRuns: 25 };

/** A tensor seen as (outer, size, inner) around one axis, for the kernels that work along one. */
export const axisGeometries = fc.record({
  outer: fc.integer({ min: 1, max: 3 }),
  size: fc.integer({ min: 1, max: 5 }),
  inner: fc.integer({ min: 1, max: 3 }),
});
