/**
 * Checks (`check`): array comparison that reports the max difference and the first index that
 * differs, and the finite-difference gradient checker the tests run on every op and module.
 */
export { compareArrays, formatComparison, assertClose } from './compare.js';
export type { Comparison, Tolerance } from './compare.js';
export {
  numericalGradient,
  checkGradient,
  assertGradient,
  formatGradientCheck,
} from './gradient-check.js';
export type { GradientCheckOptions, GradientCheckResult } from './gradient-check.js';
