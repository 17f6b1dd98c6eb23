import { Rng } from '../src/rng.js';

/** n normal deviates in float64, from a seeded Rng. */
export function randomArray(rng: Rng, n: number, std = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal(0, std);
  return a;
}

/** n distinct values (a shuffled, jittered ramp), so max pooling has no ties. */
export function distinctArray(rng: Rng, n: number): Float64Array {
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  return Float64Array.from(order, (k) => (k - n / 2) * 0.1 + rng.uniform(0, 0.01));
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
