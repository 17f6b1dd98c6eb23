/**
 * Numerical gradient checking by central differences, in float64:
 *
 *   dL/dx[i] ~ (L(x + eps*e_i) - L(x - eps*e_i)) / (2*eps)
 *
 * The truncation error is O(eps^2) and the rounding error O(1e-16 * |L| / eps), so eps = 1e-6
 * in float64 gives about 1e-9 relative accuracy on smooth functions. At a kink (ReLU at 0, a
 * max-pool tie) the function is not differentiable and no check is meaningful: choose inputs
 * at least eps away from them.
 */
import { compareArrays, formatComparison, type Comparison } from './compare.js';

export interface GradientCheckOptions {
  /** Step for central differences; default 1e-6. */
  eps?: number;
  /** Relative tolerance against the numerical gradient; default 1e-5. */
  rtol?: number;
  /** Absolute tolerance for near-zero gradients; default 1e-7. */
  atol?: number;
}

export interface GradientCheckResult extends Comparison {
  name: string;
  numeric: Float64Array;
}

/**
 * The central-difference gradient of the scalar f() with respect to x. f must read x; x is
 * perturbed in place one entry at a time and restored exactly.
 */
export function numericalGradient(f: () => number, x: Float64Array, eps = 1e-6): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const saved = x[i];
    x[i] = saved + eps;
    const plus = f();
    x[i] = saved - eps;
    const minus = f();
    x[i] = saved;
    grad[i] = (plus - minus) / (2 * eps);
  }
  return grad;
}

/** Compares an analytic gradient of f with respect to x against central differences. */
export function checkGradient(
  name: string,
  f: () => number,
  x: Float64Array,
  analytic: ArrayLike<number>,
  { eps = 1e-6, rtol = 1e-5, atol = 1e-7 }: GradientCheckOptions = {},
): GradientCheckResult {
  if (analytic.length !== x.length) {
    throw new RangeError(
      `checkGradient(${name}): the analytic gradient has ${analytic.length} entries, x has ${x.length}`,
    );
  }
  const numeric = numericalGradient(f, x, eps);
  return { name, numeric, ...compareArrays(analytic, numeric, { rtol, atol }) };
}

/** One line, naming the max relative error and, on failure, the first index that differs. */
export function formatGradientCheck(result: GradientCheckResult): string {
  return formatComparison(`gradient ${result.name}`, result);
}

/** Throws formatGradientCheck's message when the check fails; returns the result otherwise. */
export function assertGradient(
  name: string,
  f: () => number,
  x: Float64Array,
  analytic: ArrayLike<number>,
  options: GradientCheckOptions = {},
): GradientCheckResult {
  const result = checkGradient(name, f, x, analytic, options);
  if (!result.ok) throw new Error(formatGradientCheck(result));
  return result;
}
