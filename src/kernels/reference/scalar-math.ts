/** Scalar helpers shared by reference kernels (not kernels themselves, so not in the table). */

/** The logistic function of one number, without overflow. */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
