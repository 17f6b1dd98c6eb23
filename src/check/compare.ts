/**
 * Array comparison in the style of llm.c's checks: the largest difference and the first index
 * that is out of tolerance, so a failing kernel points at where it went wrong.
 */
export interface Tolerance {
  /** Relative tolerance; default 1e-5. */
  rtol?: number;
  /** Absolute tolerance, for values near zero; default 1e-8. */
  atol?: number;
  /** Count NaN against NaN at the same index as equal; default false (any NaN is a mismatch). */
  equalNaN?: boolean;
}

export interface Comparison {
  ok: boolean;
  /** Largest |actual - expected|. */
  maxAbsDiff: number;
  /** Largest |actual - expected| / max(|actual|, |expected|), over entries not both zero. */
  maxRelDiff: number;
  /** First index where |actual - expected| > atol + rtol * |expected|, or -1. */
  firstBadIndex: number;
  /** The values at firstBadIndex (NaN when there is none). */
  actualAtBad: number;
  expectedAtBad: number;
}

export function compareArrays(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-5, atol = 1e-8, equalNaN = false }: Tolerance = {},
): Comparison {
  if (actual.length !== expected.length) {
    throw new RangeError(`compareArrays: lengths differ (${actual.length} vs ${expected.length})`);
  }
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  let firstBadIndex = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (equalNaN && Number.isNaN(a) && Number.isNaN(e)) continue;
    const diff = Math.abs(a - e);
    const scale = Math.max(Math.abs(a), Math.abs(e));
    const bad = !(diff <= atol + rtol * Math.abs(e)); // NaN compares false: counted as bad
    if (bad && firstBadIndex === -1) firstBadIndex = i;
    if (!(diff <= maxAbsDiff)) maxAbsDiff = diff;
    if (scale > 0 && !(diff / scale <= maxRelDiff)) maxRelDiff = diff / scale;
  }
  return {
    ok: firstBadIndex === -1,
    maxAbsDiff,
    maxRelDiff,
    firstBadIndex,
    actualAtBad: firstBadIndex === -1 ? NaN : actual[firstBadIndex],
    expectedAtBad: firstBadIndex === -1 ? NaN : expected[firstBadIndex],
  };
}

/** One line: "dx OK (max abs diff 1.2e-9, max rel diff 3.4e-7)" or what differs and where. */
export function formatComparison(label: string, c: Comparison): string {
  const stats = `max abs diff ${c.maxAbsDiff.toExponential(2)}, max rel diff ${c.maxRelDiff.toExponential(2)}`;
  if (c.ok) return `${label} OK (${stats})`;
  return `${label} MISMATCH (${stats}); first bad index ${c.firstBadIndex}: got ${c.actualAtBad}, expected ${c.expectedAtBad}`;
}

/** Throws with formatComparison's message when the arrays differ beyond tolerance. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance = {},
  label = 'values',
): Comparison {
  const c = compareArrays(actual, expected, tolerance);
  if (!c.ok) throw new Error(formatComparison(label, c));
  return c;
}
