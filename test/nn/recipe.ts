/**
 * The fixture recipe of scripts/make-torch-module-fixtures.py, bit for bit: every tensor of
 * fixtures/torch/modules.json is offset + scale * unit(stream, k), and large recorded tensors
 * are a sample plus two exact checksums. See the script's docstring for the definitions.
 */
import assert from 'node:assert/strict';
import { assertClose, type Tolerance } from '../../src/check/compare.js';
import { Tensor } from '../../src/tensor.js';

/** The murmur3 finaliser on 32 bits, as an unsigned integer. */
function mix32(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A multiple of 2^-15 in [-1, 1), the k-th of stream s. */
export function unit(stream: number, k: number): number {
  const h = mix32((Math.imul(k, 0x9e3779b9) + mix32((stream + 0x632be5ab) >>> 0)) >>> 0);
  return ((h >>> 16) - 32768) / 32768;
}

export interface Recipe {
  shape: number[];
  stream: number;
  scale: number;
  offset: number;
}

export function recipeTensor({ shape, stream, scale, offset }: Recipe): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  for (let k = 0; k < t.size; k++) t.data[k] = offset + scale * unit(stream, k);
  return t;
}

/** A tensor as the fixture records it: in full, or a sample and checksums. */
export type TensorRecord =
  | { shape: number[]; data: number[] }
  | { shape: number[]; sample: number[]; sum: number; hashDot: number };

export interface Checksums {
  sum: number;
  hashDot: number;
  /** sum |x| and sum |x * w|: the scales the checksums are compared at. */
  sumAbs: number;
  hashDotAbs: number;
}

/** A sum accurate to about one rounding of the result (Neumaier's compensated summation). */
function accurateSum(terms: Iterable<number>): number {
  let sum = 0;
  let compensation = 0;
  for (const x of terms) {
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

export function checksums(values: ArrayLike<number>, hashStream: number): Checksums {
  const weighted = Float64Array.from(values, (v, k) => v * unit(hashStream, k));
  const abs = (a: ArrayLike<number>) => Float64Array.from(a, Math.abs);
  return {
    sum: accurateSum(Array.from(values)),
    hashDot: accurateSum(weighted),
    sumAbs: accurateSum(abs(values)),
    hashDotAbs: accurateSum(abs(weighted)),
  };
}

export function sampleIndices(size: number, count: number): number[] {
  return Array.from({ length: count }, (_, j) => Math.floor(((2 * j + 1) * size) / (2 * count)));
}

/**
 * Checks a tensor against its record: every element (full records), or the sampled elements
 * and both checksums, each within rtol of its scale (sample records).
 */
export function assertMatchesRecord(
  actual: Tensor,
  expected: TensorRecord,
  hashStream: number,
  tolerance: Required<Pick<Tolerance, 'rtol' | 'atol'>>,
  label: string,
): void {
  assert.deepEqual([...actual.shape], expected.shape, `${label}: shape`);
  if ('data' in expected) {
    assertClose(actual.data, expected.data, tolerance, label);
    return;
  }
  const indices = sampleIndices(actual.size, expected.sample.length);
  const sampled = indices.map((i) => actual.data[i]);
  assertClose(sampled, expected.sample, tolerance, `${label} (sampled elements)`);
  const c = checksums(actual.data, hashStream);
  for (const [name, got, want, scale] of [
    ['sum', c.sum, expected.sum, c.sumAbs],
    ['hashDot', c.hashDot, expected.hashDot, c.hashDotAbs],
  ] as const) {
    const bound = tolerance.atol + tolerance.rtol * scale;
    assert.ok(
      Math.abs(got - want) <= bound,
      `${label}: ${name} ${got} differs from ${want} by ${Math.abs(got - want)} (> ${bound.toExponential(2)})`,
    );
  }
}
