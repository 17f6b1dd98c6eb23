/**
 * Vector stores in PostgreSQL with pgvector, for galleries past one machine's memory. DB is
 *
 *   a folder          an embedded Postgres (PGlite: Postgres compiled to WebAssembly, with the
 *                     pgvector extension), created there on first use
 *   postgres://...    a server, through the `pg` client
 *
 * and both get the same SQL:
 *
 *   create extension if not exists vector;
 *   create table T (id integer primary key, path text not null, label integer,
 *                   embedding vector(D) not null);
 *   create index T_hnsw on T using hnsw (embedding vector_cosine_ops);
 *   select id, path, label, embedding <=> $1 as distance from T order by embedding <=> $1 limit k;
 *
 * `<=>` is pgvector's cosine distance, 1 - cosine similarity. Errors say what is wrong: a server
 * without pgvector, a server that cannot be reached, a table of another dimension.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Client } from 'pg';

/** One stored vector. */
export interface StoredVector {
  id: number;
  /** An image file, or `<dataset>:<split>:<index>` for a built-in dataset. */
  path: string;
  label: number | null;
  embedding: Float32Array;
}

export interface StoreMatch {
  id: number;
  path: string;
  label: number | null;
  /** Cosine distance, 1 - cosine similarity. */
  distance: number;
}

interface Connection {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * pgvector's HNSW settings (see docs/search.md for how they were chosen): m, the graph's edges
 * per node, and ef_construction, the candidate list while building (index options); ef_search,
 * the candidate list while searching (a session setting; at least k for k results).
 */
export interface StoreHnswOptions {
  m?: number;
  efConstruction?: number;
  efSearch?: number;
}

/** pgvector's own defaults for m and ef_construction; ef_search raised from its 40 (see docs). */
export const STORE_HNSW_DEFAULTS: Readonly<Required<StoreHnswOptions>> = Object.freeze({
  m: 16,
  efConstruction: 64,
  efSearch: 40,
});

export interface OpenStoreOptions {
  /** The table; default convnet_embeddings. */
  table?: string;
  /** HNSW settings; default STORE_HNSW_DEFAULTS. */
  hnsw?: StoreHnswOptions;
}

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Whether DB names a server rather than a folder. */
export function isServerUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

/** A URL with its password hidden, for messages. */
function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** pgvector's text form of a vector: [v0,v1,...]. */
export function vectorLiteral(v: ArrayLike<number>): string {
  return `[${Array.from(v, (x) => (Number.isFinite(x) ? String(x) : 'NaN')).join(',')}]`;
}

async function openEmbedded(dir: string): Promise<Connection> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const db: PGlite = await PGlite.create(dir, { extensions: { vector } });
  return {
    query: async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows,
    close: () => db.close(),
  };
}

async function openServer(url: string): Promise<Connection> {
  const { default: pg } = await import('pg');
  const client: Client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    throw new Error(
      `cannot reach the PostgreSQL server at ${redact(url)} (${code}): is it running, and are the host, port, user and password right?`,
      { cause: error },
    );
  }
  return {
    query: async (sql, params) =>
      (await client.query(sql, params)).rows as Record<string, unknown>[],
    close: () => client.end(),
  };
}

/** A pgvector table (see the top of this file). */
export class VectorStore {
  readonly description: string;
  readonly table: string;
  private hnsw: Required<StoreHnswOptions>;
  private readonly db: Connection;
  /** The table's embedding size once known (it changes only through replace). */
  private dim: number | null = null;
  /** The session's hnsw.ef_search, once set. */
  private efSearch: number | null = null;

  private constructor(
    db: Connection,
    description: string,
    table: string,
    hnsw: Required<StoreHnswOptions>,
  ) {
    this.db = db;
    this.description = description;
    this.table = table;
    this.hnsw = hnsw;
  }

  /** Opens DB (a folder or a postgres:// URL) and makes sure pgvector is there. */
  static async open(
    db: string,
    { table = 'convnet_embeddings', hnsw = {} }: OpenStoreOptions = {},
  ): Promise<VectorStore> {
    const settings = { ...STORE_HNSW_DEFAULTS, ...hnsw };
    for (const [name, value] of Object.entries(settings))
      if (!Number.isSafeInteger(value) || value < 1 || value > 1000)
        throw new RangeError(`pgvector HNSW ${name} must be an integer in [1, 1000], got ${value}`);
    if (!TABLE_NAME.test(table))
      throw new Error(
        `table name '${table}' must be lower-case letters, digits and _ (at most 63)`,
      );
    const server = isServerUrl(db);
    const connection = server ? await openServer(db) : await openEmbedded(db);
    const description = server
      ? `PostgreSQL at ${redact(db)}`
      : `embedded PostgreSQL (PGlite) in ${db}`;
    try {
      await connection.query('create extension if not exists vector');
    } catch (error) {
      await connection.close();
      throw new Error(
        `${description} has no pgvector extension ("vector"): ${String((error as Error).message)}. Install pgvector on the server (e.g. the postgresql-<version>-pgvector package) or use a folder for an embedded database`,
        { cause: error },
      );
    }
    return new VectorStore(connection, description, table, settings);
  }

  /** The table's embedding size, or null when there is no such table. */
  async dimension(): Promise<number | null> {
    const rows = await this.db.query(
      `select format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
       where a.attrelid = to_regclass($1) and a.attname = 'embedding' and not a.attisdropped`,
      [this.table],
    );
    if (rows.length === 0) return null;
    const match = /^vector\((\d+)\)$/.exec(String(rows[0].type));
    if (match === null)
      throw new Error(
        `${this.description}: table ${this.table}'s embedding column is ${String(rows[0].type)}, not a vector`,
      );
    return Number(match[1]);
  }

  /** Fails unless the table holds dim-d vectors (or does not exist yet). */
  async checkDimension(dim: number): Promise<void> {
    const stored = await this.dimension();
    if (stored !== null && stored !== dim) {
      throw new Error(
        `${this.description}: table ${this.table} holds ${stored}-d vectors, but the model makes ${dim}-d ones; index into another table (--table) or drop that one`,
      );
    }
  }

  /** Replaces the table's rows with `rows` and builds the HNSW index. */
  async replace(
    rows: Iterable<StoredVector>,
    dim: number,
    onProgress?: (done: number) => void,
  ): Promise<void> {
    await this.checkDimension(dim);
    const t = this.table;
    await this.db.query(
      `create table if not exists ${t} (id integer primary key, path text not null, label integer, embedding vector(${dim}) not null)`,
    );
    this.dim = null;
    await this.db.query(`drop index if exists ${t}_hnsw`);
    await this.db.query(`truncate ${t}`);
    let batch: unknown[] = [];
    let done = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const n = batch.length / 4;
      const values = Array.from(
        { length: n },
        (_, i) => `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4}::vector)`,
      );
      await this.db.query(
        `insert into ${t} (id, path, label, embedding) values ${values.join(', ')}`,
        batch,
      );
      done += n;
      onProgress?.(done);
      batch = [];
    };
    for (const row of rows) {
      if (row.embedding.length !== dim)
        throw new RangeError(
          `row ${row.id} has a ${row.embedding.length}-d embedding, expected ${dim}`,
        );
      batch.push(row.id, row.path, row.label, vectorLiteral(row.embedding));
      if (batch.length >= 4 * 500) await flush();
    }
    await flush();
    const { m, efConstruction } = this.hnsw;
    await this.db.query(
      `create index ${t}_hnsw on ${t} using hnsw (embedding vector_cosine_ops) with (m = ${m}, ef_construction = ${efConstruction})`,
    );
  }

  /** The HNSW settings: m and efConstruction for the next replace, efSearch for searches. */
  get hnswOptions(): Readonly<Required<StoreHnswOptions>> {
    return this.hnsw;
  }

  /** Sets hnsw.ef_search for the following searches. */
  setEfSearch(efSearch: number): void {
    if (!Number.isSafeInteger(efSearch) || efSearch < 1 || efSearch > 1000)
      throw new RangeError(
        `pgvector hnsw.ef_search must be an integer in [1, 1000], got ${efSearch}`,
      );
    this.hnsw = { ...this.hnsw, efSearch };
  }

  /** Rows stored. */
  async count(): Promise<number> {
    const rows = await this.db.query(`select count(*)::integer as n from ${this.table}`);
    return Number(rows[0].n);
  }

  /**
   * The k nearest rows to `query` by cosine distance, through the HNSW index, with hnsw.ef_search
   * the store's efSearch or k, whichever is larger (set once per session, not per query).
   */
  async search(query: Float32Array, k: number): Promise<StoreMatch[]> {
    this.dim ??= await this.dimension();
    const dim = this.dim;
    if (dim === null)
      throw new Error(
        `${this.description} has no table ${this.table}: fill it first with convnet index --store`,
      );
    if (dim !== query.length) {
      throw new Error(
        `${this.description}: table ${this.table} holds ${dim}-d vectors, but the query is ${query.length}-d (another model's table?)`,
      );
    }
    const ef = Math.min(1000, Math.max(this.hnsw.efSearch, k));
    if (ef !== this.efSearch) {
      await this.db.query(`set hnsw.ef_search = ${ef}`);
      this.efSearch = ef;
    }
    const rows = await this.db.query(
      `select id, path, label, embedding <=> $1::vector as distance from ${this.table} order by embedding <=> $1::vector limit $2`,
      [vectorLiteral(query), k],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      path: String(r.path),
      label: r.label === null ? null : Number(r.label),
      distance: Number(r.distance),
    }));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** A gallery's rows for a store: row i has id i, path `<source>:<i>`, its label and vector. */
export function galleryRows(
  vectors: { data: Float32Array; count: number; dim: number },
  labels: ArrayLike<number>,
  source: string,
): StoredVector[] {
  return Array.from({ length: vectors.count }, (_, i) => ({
    id: i,
    path: `${source}:${i}`,
    label: labels[i],
    embedding: vectors.data.subarray(i * vectors.dim, (i + 1) * vectors.dim),
  }));
}

/**
 * Each query's k nearest stored ids, one SQL query at a time, in the row-major layout of
 * topK's indices (-1 where the store gave fewer than k): what recall against exact search takes.
 */
export async function searchEach(
  store: VectorStore,
  queries: { data: Float32Array; count: number; dim: number },
  k: number,
): Promise<number[]> {
  const found: number[] = [];
  for (let q = 0; q < queries.count; q++) {
    const matches = await store.search(
      queries.data.subarray(q * queries.dim, (q + 1) * queries.dim),
      k,
    );
    found.push(...matches.map((x) => x.id), ...new Array<number>(k - matches.length).fill(-1));
  }
  return found;
}
