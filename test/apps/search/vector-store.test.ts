import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { normalizeRows, topK, type Vectors } from '../../../src/apps/search/exact-search.js';
import { neighborRecall } from '../../../src/apps/search/retrieval-metrics.js';
import {
  VectorStore,
  galleryRows,
  searchEach,
  type StoredVector,
} from '../../../src/apps/search/vector-store.js';
import { Rng } from '../../../src/rng.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'convnet-store-'));
  dirs.push(dir);
  return dir;
}

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function unitVectors(count: number, dim: number, seed: number): Vectors {
  const rng = new Rng(seed);
  const data = Float32Array.from({ length: count * dim }, () => rng.normal());
  return normalizeRows({ data, count, dim });
}

function rowsOf(v: Vectors): StoredVector[] {
  return galleryRows(
    v,
    Int32Array.from({ length: v.count }, (_, i) => i % 5),
    'synthetic',
  );
}

/** The store's recall@k of HNSW search against exact search (searchEach: what convnet index runs). */
async function storeRecall(
  store: VectorStore,
  gallery: Vectors,
  queries: Vectors,
  k: number,
): Promise<number> {
  const found = await searchEach(store, queries, k);
  assert.ok(found.every((id) => id >= 0));
  return neighborRecall(found, topK(queries, gallery, k).indices, k);
}

describe('pgvector stores', () => {
  const gallery = unitVectors(400, 16, 1);
  const queries = unitVectors(20, 16, 2);

  it('embedded (a folder): fills the table, builds HNSW, answers k-NN queries, reopens', async () => {
    const dir = tempDir();
    const store = await VectorStore.open(dir);
    await store.replace(rowsOf(gallery), 16);
    assert.equal(await store.count(), 400);
    assert.ok((await storeRecall(store, gallery, queries, 10)) >= 0.9);
    const [first] = await store.search(gallery.data.subarray(7 * 16, 8 * 16), 1);
    assert.deepEqual([first.id, first.path, first.label], [7, 'synthetic:7', 2]);
    assert.ok(Math.abs(first.distance) < 1e-5);
    await assert.rejects(
      store.replace(rowsOf(unitVectors(3, 8, 3)), 8),
      /table convnet_embeddings holds 16-d vectors, but the model makes 8-d ones/,
    );
    await assert.rejects(
      store.search(new Float32Array(8), 3),
      /holds 16-d vectors, but the query is 8-d/,
    );
    await store.close();
    const again = await VectorStore.open(dir);
    assert.equal(await again.dimension(), 16);
    assert.equal(await again.count(), 400);
    await again.close();
  });

  it('a postgres:// URL over the wire (PGlite socket server), the same SQL', async () => {
    const db = await PGlite.create({ extensions: { vector } });
    const port = await freePort();
    const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
    await server.start();
    try {
      const store = await VectorStore.open(`postgres://postgres:secret@127.0.0.1:${port}/postgres`);
      assert.match(store.description, /PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
      await store.replace(rowsOf(gallery), 16);
      assert.ok((await storeRecall(store, gallery, unitVectors(5, 16, 4), 5)) >= 0.9);
      await store.close();
    } finally {
      await server.stop();
      await db.close();
    }
  });

  it('says so when the server has no pgvector extension', async () => {
    const db = await PGlite.create(); // no extensions loaded
    const port = await freePort();
    const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
    await server.start();
    try {
      await assert.rejects(
        VectorStore.open(`postgres://postgres@127.0.0.1:${port}/postgres`),
        /has no pgvector extension \("vector"\).*Install pgvector/s,
      );
    } finally {
      await server.stop();
      await db.close();
    }
  });

  it('says so when the server cannot be reached, hiding the password', async () => {
    const port = await freePort();
    await assert.rejects(
      VectorStore.open(`postgres://me:hunter2@127.0.0.1:${port}/db`),
      (error: Error) =>
        /cannot reach the PostgreSQL server at postgres:\/\/me:\*\*\*@127\.0\.0\.1:\d+\/db \(ECONNREFUSED\)/.test(
          error.message,
        ) && !error.message.includes('hunter2'),
    );
  });

  it('refuses a table name that is not a plain identifier', async () => {
    await assert.rejects(
      VectorStore.open(tempDir(), { table: 'x; drop table y' }),
      /table name 'x; drop table y'/,
    );
  });
});
