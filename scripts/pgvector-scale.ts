/**
 * pgvector at scale: recall@10 of pgvector's HNSW index against exact search, and its queries/s
 * one query at a time, embedded (PGlite in a folder) and over the wire (the same database served
 * by @electric-sql/pglite-socket, queried through `pg`), for the vectors of a search index
 * (convnet index --out INDEX) and the first Q test images of its dataset as queries.
 *
 *   node --import tsx scripts/pgvector-scale.ts INDEX [--queries 1000] [--m 16]
 *        [--ef-construction 64] [--ef-search 40,64,100] [--db DIR [--reuse]]
 *
 * The table is written and indexed once (embedded; --reuse keeps a --db folder's table when it
 * holds as many rows), then searched at each ef_search, embedded and then over the wire, after
 * one untimed pass of the queries; the load average is printed beside every timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { embedDataset } from '../src/apps/search/embed.js';
import { topK } from '../src/apps/search/exact-search.js';
import { neighborRecall } from '../src/apps/search/retrieval-metrics.js';
import { itemName, readSearchIndex } from '../src/apps/search/search-index.js';
import { loadModelData, loadSearchModel } from '../src/apps/search/search-run.js';
import { VectorStore, searchEach } from '../src/apps/search/vector-store.js';
import { useWasmBackend } from '../src/kernels/wasm/wasm-backend.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    queries: { type: 'string', default: '1000' },
    m: { type: 'string', default: '16' },
    'ef-construction': { type: 'string', default: '64' },
    'ef-search': { type: 'string', default: '40,64,100' },
    db: { type: 'string' },
    reuse: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 1) throw new Error('usage: pgvector-scale.ts INDEX [options]');
const load = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
const K = 10;

const backend = await useWasmBackend();
const index = await readSearchIndex(positionals[0]);
const { source } = index.manifest;
if (source.kind !== 'dataset')
  throw new Error('the index must be of a dataset (its test split gives the queries)');
const m = await loadSearchModel(index.manifest.model.path);
const Q = Number(values.queries);
const data = await loadModelData(m, { dataset: source.name, limitTest: Q });
const queries = await embedDataset(m.model, data.test, { normalize: m.spec.normalize });
const gallery = index.vectors;
const exact = topK(queries, gallery, K).indices;
backend.dispose();
console.log(
  `${gallery.count} x ${gallery.dim}-d vectors of ${source.name} (${source.split}); ${queries.count} test queries; ${load()}`,
);

const dir = values.db ?? mkdtempSync(join(tmpdir(), 'convnet-pgvector-'));
const hnsw = { m: Number(values.m), efConstruction: Number(values['ef-construction']) };
const efs = values['ef-search'].split(',').map(Number);

async function measure(store: VectorStore, where: string): Promise<void> {
  // One untimed pass first: the database's pages in memory, the connection warm.
  await searchEach(store, queries, K);
  for (const ef of efs) {
    store.setEfSearch(ef);
    await store.search(queries.data.subarray(0, gallery.dim), K); // sets ef_search
    const start = performance.now();
    const found = await searchEach(store, queries, K);
    const qps = queries.count / ((performance.now() - start) / 1000);
    const recall = neighborRecall(found, exact, K);
    console.log(
      `${where}, m ${hnsw.m}, ef_construction ${hnsw.efConstruction}, ef_search ${ef}: recall@${K} ${recall.toFixed(4)}, ${Math.round(qps)} queries/s; ${load()}`,
    );
  }
}

try {
  const embedded = await VectorStore.open(dir, { hnsw });
  let start = performance.now();
  const rows = Array.from({ length: gallery.count }, (_, i) => ({
    id: i,
    path: itemName(index, i),
    label: index.labels[i] < 0 ? null : index.labels[i],
    embedding: gallery.data.subarray(i * gallery.dim, (i + 1) * gallery.dim),
  }));
  if (values.reuse && (await embedded.count().catch(() => 0)) === gallery.count)
    console.log(`embedded (PGlite in ${dir}): reusing its ${gallery.count} rows and HNSW index`);
  else {
    await embedded.replace(rows, gallery.dim);
    console.log(
      `embedded (PGlite in ${dir}): ${gallery.count} rows written and HNSW-indexed in ${((performance.now() - start) / 1000).toFixed(1)} s; ${load()}`,
    );
  }
  await measure(embedded, 'embedded');
  await embedded.close();

  const db = await PGlite.create(dir, { extensions: { vector } });
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
  await server.start();
  try {
    start = performance.now();
    const wire = await VectorStore.open(`postgres://postgres@127.0.0.1:${port}/postgres`, { hnsw });
    await measure(wire, 'over the wire (pglite-socket, pg)');
    await wire.close();
  } finally {
    await server.stop();
    await db.close();
  }
} finally {
  if (values.db === undefined) rmSync(dir, { recursive: true, force: true });
}
