/**
 * Retrieval metrics as Musgrave, Belongie & Lim (2020, "A Metric Learning Reality Check")
 * define them. For a query q with label y, a ranked list of gallery neighbours (the query itself
 * left out when it is in the gallery) and R = the number of gallery items labelled y:
 *
 *   P@1          1 if the first neighbour is labelled y, else 0
 *   R-precision  r / R, where r = the relevant items among the first R neighbours
 *   MAP@R        (1/R) sum_{i=1..R} P(i),  P(i) = (relevant among the first i) / i if the i-th
 *                neighbour is relevant, else 0
 *   recall@k     1 if any of the first k neighbours is relevant, else 0 (the metric-learning
 *                literature's Recall@K, e.g. Song et al. 2016)
 *
 * each averaged over the queries. Queries with R = 0 (no item of their class in the gallery)
 * cannot be scored and are counted apart (`skipped`).
 */

export interface RetrievalScores {
  /** Queries scored (those with R > 0). */
  queries: number;
  /** Queries left out because the gallery has no item of their class. */
  skipped: number;
  precisionAt1: number;
  rPrecision: number;
  mapAtR: number;
  /** recall@k for each k asked, by k. */
  recallAt: Record<number, number>;
}

/** Accumulates the metrics query by query (see the top of this file). */
export class RetrievalMetrics {
  private queries = 0;
  private skipped = 0;
  private p1 = 0;
  private rPrecision = 0;
  private map = 0;
  private readonly ks: readonly number[];
  private readonly recall: number[];

  /** ks: the k of each recall@k to report; default [1, 10]. */
  constructor(ks: readonly number[] = [1, 10]) {
    for (const k of ks) {
      if (!Number.isSafeInteger(k) || k < 1)
        throw new RangeError(`RetrievalMetrics: recall@k needs positive integers k, got ${k}`);
    }
    this.ks = [...ks];
    this.recall = ks.map(() => 0);
  }

  /** The neighbours this query needs ranked: max(R, the largest k, 1). */
  needed(R: number): number {
    return Math.max(R, 1, ...this.ks);
  }

  /**
   * Scores one query: its label, its neighbours' labels best first (at least needed(R) of them,
   * or the whole gallery if smaller) and R, its class's count in the gallery.
   */
  add(label: number, ranked: ArrayLike<number>, R: number): void {
    if (!Number.isSafeInteger(R) || R < 0)
      throw new RangeError(`RetrievalMetrics.add: R must be a non-negative integer, got ${R}`);
    if (R === 0) {
      this.skipped++;
      return;
    }
    if (ranked.length < R) {
      throw new RangeError(
        `RetrievalMetrics.add: ${ranked.length} neighbours ranked, but R is ${R}: MAP@R needs the first R`,
      );
    }
    this.queries++;
    if (ranked[0] === label) this.p1++;
    let relevant = 0;
    let precisionSum = 0;
    const n = Math.min(R, ranked.length);
    for (let i = 0; i < n; i++) {
      if (ranked[i] === label) {
        relevant++;
        precisionSum += relevant / (i + 1);
      }
    }
    this.rPrecision += relevant / R;
    this.map += precisionSum / R;
    for (const [j, k] of this.ks.entries()) {
      const upTo = Math.min(k, ranked.length);
      for (let i = 0; i < upTo; i++) {
        if (ranked[i] === label) {
          this.recall[j]++;
          break;
        }
      }
    }
  }

  /** The means over the scored queries (NaN while none is scored). */
  result(): RetrievalScores {
    const q = this.queries;
    return {
      queries: q,
      skipped: this.skipped,
      precisionAt1: this.p1 / q,
      rPrecision: this.rPrecision / q,
      mapAtR: this.map / q,
      recallAt: Object.fromEntries(this.ks.map((k, j) => [k, this.recall[j] / q])),
    };
  }
}

/** Per label, how many of `labels` carry it. */
export function labelCounts(labels: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  return counts;
}

/**
 * An approximate index's recall@k against exact search: the mean over queries of
 * |approximate top-k ∩ exact top-k| / k. approximate and exact are (Q,k) rows of gallery ids.
 */
export function neighborRecall(
  approximate: ArrayLike<number>,
  exact: ArrayLike<number>,
  k: number,
): number {
  if (approximate.length !== exact.length || exact.length % k !== 0) {
    throw new RangeError(
      `neighborRecall: ${approximate.length} approximate and ${exact.length} exact ids for k = ${k}`,
    );
  }
  const Q = exact.length / k;
  let found = 0;
  for (let q = 0; q < Q; q++) {
    const truth = new Set<number>();
    for (let i = 0; i < k; i++) truth.add(exact[q * k + i]);
    for (let i = 0; i < k; i++) if (truth.has(approximate[q * k + i])) found++;
  }
  return found / (Q * k);
}
