/**
 * The case tables of the conformance suite (test/kernels/conformance.test.ts). Each op whose
 * kernels a fast backend registers has a file here, <op>.cases.ts, exporting
 *
 *   cases:   KernelCase[]                      the shared grid: stride > 1, padding, 1x1, odd
 *                                              sizes, N = 1, sizes that are not multiples of the
 *                                              SIMD width, work that does not divide among threads
 *   random?: fc.Arbitrary<KernelCase[]>        random geometries, run through fast-check
 *
 * A case is a kernel's full argument list with every float array in float64 (values already
 * rounded to float32, so both sides start from the same numbers), outputs first, exactly as the
 * reference takes it. The runner derives the float32 arguments, runs both sides and compares
 * every array argument afterwards (outputs, and inputs that must be unchanged).
 */
import fc from 'fast-check';
import type { KernelName, KernelTable } from '../../../src/kernels/backend.js';
import type { Pool2dOptions } from '../../../src/shape/pool2d.js';
import type { Shape } from '../../../src/tensor.js';
import { Rng } from '../../../src/rng.js';

export interface KernelCase<K extends KernelName = KernelName> {
  kernel: K;
  label: string;
  /** Makes the arguments afresh (each side and each thread count gets its own copy). */
  args: () => Parameters<KernelTable[K]>;
  /**
   * The kernel only selects and adds (max pooling, ReLU): compare it bitwise with the reference
   * run on the same float32 arrays instead of within tolerance of the float64 one.
   */
  exact?: boolean;
  /**
   * Tolerance relative to the reference's scale, where a kernel's algorithm rounds more than a
   * plain sum does (default: the runner's 1e-4); the case says why.
   */
  tolerance?: number;
  /** Wraps each run of the fast kernel, e.g. to force one of its paths (Winograd conv2d). */
  around?: <T>(run: () => T) => T;
}

export function kernelCase<K extends KernelName>(
  kernel: K,
  label: string,
  args: () => Parameters<KernelTable[K]>,
  options: Pick<KernelCase, 'exact' | 'tolerance' | 'around'> = {},
): KernelCase<K> {
  return { kernel, label, args, ...options };
}

/** n standard normal values (times scale, plus offset), rounded to float32, held in float64. */
export function values(rng: Rng, n: number, scale = 1, offset = 0): Float64Array {
  return Float64Array.from(Float32Array.from({ length: n }, () => offset + scale * rng.normal()));
}

/** An output array: overwritten by the kernel, so it starts as NaN to catch unwritten elements. */
export function output(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}

/** A seeded generator per case, so its arguments are the same every time they are made. */
export function seeded(seed: number): Rng {
  return new Rng(seed);
}

/** A per-axis pair of integers in [min, max]. */
export function pair(min: number, max: number): fc.Arbitrary<[number, number]> {
  return fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));
}

/** A random pooling problem: padding at most half the kernel, the kernel within the padded input. */
/** Whether a (dilated) kernel fits the padded input on both axes: a convolution's geometry exists. */
export function kernelFits(p: {
  H: number;
  W: number;
  kernel: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
}): boolean {
  return [0, 1].every(
    (axis) => p.dilation[axis] * (p.kernel[axis] - 1) + 1 <= [p.H, p.W][axis] + 2 * p.padding[axis],
  );
}

export const randomPool2d: fc.Arbitrary<{
  label: string;
  xShape: Shape;
  options: Pool2dOptions;
  seed: number;
}> = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 1, max: 4 }),
    H: fc.integer({ min: 1, max: 13 }),
    W: fc.integer({ min: 1, max: 13 }),
    kernel: pair(1, 4),
    stride: pair(1, 3),
    padding: pair(0, 2),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter((p) =>
    [0, 1].every(
      (a) => 2 * p.padding[a] <= p.kernel[a] && p.kernel[a] <= [p.H, p.W][a] + 2 * p.padding[a],
    ),
  )
  .map((p) => ({
    label: `random ${JSON.stringify(p)}`,
    xShape: [p.N, p.C, p.H, p.W],
    options: { kernelSize: p.kernel, stride: p.stride, padding: p.padding },
    seed: p.seed,
  }));
