/**
 * GELU, the Gaussian error linear unit (PyTorch's default, approximate='none'), reference
 * implementation. Elementwise on any shape, with Phi the standard normal CDF and phi its density:
 *
 *   y = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))        dx = dy * (Phi(x) + x * phi(x))
 *
 *   phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
 *
 * Phi comes from erfc, so that its tail for x < 0 keeps its relative precision:
 * Phi(x) = erfc(-x / sqrt 2) / 2. erfc(z), z >= 0, to float64 precision:
 *
 *   z < 1.5: erfc(z) = 1 - erf(z),  erf(z) = 2/sqrt(pi) exp(-z^2) sum_n 2^n z^(2n+1) / (1*3*...*(2n+1))
 *            (every term of the same sign, so nothing cancels)
 *   z >= 1.5: erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...)))))
 *            (the continued fraction, evaluated by the modified Lentz method)
 *
 * Both functions write their first argument.
 */
import type { FloatArray } from '../../tensor.js';

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** erf(z) by its series (see the header); used for |z| < ERFC_FRACTION_FROM. */
function erfSeries(z: number): number {
  let term = z;
  let series = z;
  for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(series); n++) {
    term *= (2 * z * z) / (2 * n + 1);
    series += term;
  }
  return (2 / SQRT_PI) * Math.exp(-z * z) * series;
}

/** Where erfc switches from 1 - erf(z) to its continued fraction. */
const ERFC_FRACTION_FROM = 1.5;

/** erfc(z) for z >= ERFC_FRACTION_FROM by its continued fraction (see the header). */
function erfcFraction(z: number): number {
  if (z > 27) return 0; // exp(-z^2) underflows
  // Modified Lentz: f = b0 + a1/(b1 + a2/(b2 + ...)) with b_k = z, a_k = k/2.
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = z + a * d;
    d = 1 / (d === 0 ? tiny : d);
    c = z + a / c;
    c = c === 0 ? tiny : c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / SQRT_PI / f;
}

/** erfc(z) = 1 - erf(z) for z >= 0, keeping its relative precision in the tail. */
function erfcNonNegative(z: number): number {
  return z < ERFC_FRACTION_FROM ? 1 - erfSeries(z) : erfcFraction(z);
}

/** Phi(x), the standard normal cumulative distribution function. */
function normalCdf(x: number): number {
  if (Number.isNaN(x)) return x;
  const z = Math.abs(x) / Math.SQRT2;
  return x >= 0 ? 1 - 0.5 * erfcNonNegative(z) : 0.5 * erfcNonNegative(z);
}

export function geluForward(y: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] * normalCdf(x[i]);
}

export function geluBackward(dx: FloatArray, dy: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    dx[i] = dy[i] * (normalCdf(v) + (v * Math.exp(-0.5 * v * v)) / SQRT_2PI);
  }
}
