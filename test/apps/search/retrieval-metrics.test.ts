import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assertClose } from '../../../src/check/compare.js';
import { topK, withL2Column } from '../../../src/apps/search/exact-search.js';
import { evaluateRetrieval } from '../../../src/apps/search/retrieval-eval.js';
import {
  RetrievalMetrics,
  neighborRecall,
  type RetrievalScores,
} from '../../../src/apps/search/retrieval-metrics.js';

interface Fixture {
  ks: number[];
  dim: number;
  gallery: number[];
  galleryLabels: number[];
  queries: number[];
  queryLabels: number[];
  separate: Omit<RetrievalScores, 'skipped'>;
  sameSet: Omit<RetrievalScores, 'skipped'>;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../fixtures/search/retrieval-metrics.json', import.meta.url), 'utf8'),
) as Fixture;

function assertScores(
  got: RetrievalScores,
  want: Omit<RetrievalScores, 'skipped'>,
  what: string,
): void {
  assert.equal(got.queries, want.queries, `${what}: queries`);
  assertClose(
    [got.precisionAt1, got.rPrecision, got.mapAtR, ...fixture.ks.map((k) => got.recallAt[k])],
    [want.precisionAt1, want.rPrecision, want.mapAtR, ...fixture.ks.map((k) => want.recallAt[k])],
    { rtol: 1e-12 },
    what,
  );
}

describe('retrieval metrics (Musgrave et al. 2020)', () => {
  it('hand-computed: P@1, R-precision, MAP@R and recall@k of two queries', () => {
    const metrics = new RetrievalMetrics([1, 3]);
    // Query of class 0 with R = 3: relevant at ranks 1, 3 and 5 (only 1 and 3 are within R).
    metrics.add(0, [0, 1, 0, 1, 0], 3);
    // Query of class 1 with R = 2: relevant at rank 2 only within R, then at rank 3.
    metrics.add(1, [0, 1, 1], 2);
    const r = metrics.result();
    assert.equal(r.queries, 2);
    // P@1: 1 and 0. R-precision: 2/3 and 1/2. MAP@R: (1 + 2/3)/3 and (1/2)/2.
    assertClose(
      [r.precisionAt1, r.rPrecision, r.mapAtR, r.recallAt[1], r.recallAt[3]],
      [0.5, (2 / 3 + 1 / 2) / 2, ((1 + 2 / 3) / 3 + 1 / 4) / 2, 0.5, 1],
      { rtol: 1e-15 },
      'metrics',
    );
  });

  it('skips queries whose class the gallery lacks, and refuses too short a ranking', () => {
    const metrics = new RetrievalMetrics();
    metrics.add(3, [], 0);
    metrics.add(1, [1], 1);
    assert.deepEqual([metrics.result().queries, metrics.result().skipped], [1, 1]);
    assert.throws(() => metrics.add(1, [1, 1], 3), /2 neighbours ranked, but R is 3/);
    assert.throws(() => new RetrievalMetrics([0]), /positive integers k, got 0/);
  });

  it("matches numpy's values on the committed fixture (separate gallery, and a set against itself)", () => {
    const vectors = (data: number[]) => ({
      data: Float32Array.from(data),
      count: data.length / fixture.dim,
      dim: fixture.dim,
    });
    const gallery = vectors(fixture.gallery);
    const queries = vectors(fixture.queries);
    const separate = evaluateRetrieval(
      queries,
      fixture.queryLabels,
      gallery,
      fixture.galleryLabels,
      {
        ks: fixture.ks,
      },
    );
    assertScores(separate, fixture.separate, 'separate gallery');
    assert.equal(separate.skipped, 1);
    const same = evaluateRetrieval(gallery, fixture.galleryLabels, gallery, fixture.galleryLabels, {
      ks: fixture.ks,
      sameSet: true,
      blockSize: 7,
    });
    assertScores(same, fixture.sameSet, 'same set');
  });

  it('neighborRecall: the overlap of approximate and exact top-k', () => {
    assert.equal(neighborRecall([1, 2, 3, 4], [2, 1, 5, 4], 2), 0.75);
    assert.throws(() => neighborRecall([1], [1, 2], 2), /1 approximate and 2 exact ids/);
  });
});

describe('exact search', () => {
  it('ranks by inner product, ties by index; L2 through the extra column', () => {
    const gallery = { data: Float32Array.from([1, 0, 0, 1, 1, 0, 3, 3]), count: 4, dim: 2 };
    const query = { data: Float32Array.from([1, 0]), count: 1, dim: 2 };
    const r = topK(query, gallery, 3);
    assert.deepEqual([...r.indices], [3, 0, 2]);
    assert.deepEqual([...r.scores], [3, 1, 1]);
    const l2 = topK(withL2Column(query, 'query'), withL2Column(gallery, 'gallery'), 4);
    assert.deepEqual([...l2.indices], [0, 2, 1, 3]); // distances 0, 0, sqrt(2), sqrt(13)
    assert.throws(() => topK(query, gallery, 5), /k must be an integer in \[1, 4\]/);
  });
});
