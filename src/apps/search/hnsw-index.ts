/**
 * Approximate nearest-neighbour search with HNSW (Malkov & Yashunin 2018) through `usearch`, a
 * well-kept native library (its linux-x64 binary ships in the npm tarball), on cosine distance
 * (1 - cosine similarity). Keys are gallery rows 0..N-1. Node only (a native module).
 *
 *   connectivity      M, the graph's edges per node (default 16)
 *   expansionAdd      efConstruction, the candidate list while building (default 128)
 *   expansionSearch   ef, the candidate list while searching (default 64; higher: better
 *                     recall, slower queries)
 *
 * Saved with the project's atomic write (usearch writes a file in a fresh temporary folder, whose
 * bytes are then written atomically to the destination), so an interrupted save leaves the old
 * index.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { Vectors } from './exact-search.js';

export interface HnswOptions {
  connectivity?: number;
  expansionAdd?: number;
  expansionSearch?: number;
  /** Threads for adding and searching; 0 (default): all cores. */
  threads?: number;
}

export class HnswIndex {
  readonly dim: number;
  private readonly index: Index;
  private readonly threads: number;

  private constructor(index: Index, dim: number, threads: number) {
    this.index = index;
    this.dim = dim;
    this.threads = threads;
  }

  private static create(dim: number, o: HnswOptions): Index {
    return new Index({
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      multi: false,
      dimensions: dim,
      connectivity: o.connectivity ?? 16,
      expansion_add: o.expansionAdd ?? 128,
      expansion_search: o.expansionSearch ?? 64,
    });
  }

  /** Builds an index of the gallery's rows (see the top of this file). */
  static build(gallery: Vectors, options: HnswOptions = {}): HnswIndex {
    const index = HnswIndex.create(gallery.dim, options);
    const keys = BigUint64Array.from({ length: gallery.count }, (_, i) => BigInt(i));
    index.add(keys, gallery.data, options.threads ?? 0);
    return new HnswIndex(index, gallery.dim, options.threads ?? 0);
  }

  /** Loads an index saved by save(); `dim` must be the one it was built with. */
  static async load(path: string, dim: number, options: HnswOptions = {}): Promise<HnswIndex> {
    const index = HnswIndex.create(dim, options);
    try {
      index.load(path);
    } catch (error) {
      throw new Error(`${path}: cannot load the HNSW index: ${String(error)}`, { cause: error });
    }
    if (index.dimensions() !== dim) {
      throw new Error(
        `${path}: the HNSW index holds ${index.dimensions()}-d vectors, but the model makes ${dim}-d ones; rebuild it with convnet index`,
      );
    }
    return new HnswIndex(index, dim, options.threads ?? 0);
  }

  get size(): number {
    return this.index.size();
  }

  /** (Q,k) gallery rows, nearest first, and their cosine distances. */
  search(queries: Vectors, k: number): { indices: Int32Array; distances: Float32Array } {
    if (queries.dim !== this.dim) {
      throw new RangeError(`HnswIndex.search: ${queries.dim}-d queries for a ${this.dim}-d index`);
    }
    const found = this.index.search(queries.data, k, this.threads);
    const indices = new Int32Array(queries.count * k).fill(-1);
    const distances = new Float32Array(queries.count * k).fill(NaN);
    // One query gives Matches, several BatchMatches; both hold k slots per query.
    for (let i = 0; i < indices.length && i < found.keys.length; i++) {
      if (Number.isFinite(found.distances[i])) {
        indices[i] = Number(found.keys[i]);
        distances[i] = found.distances[i];
      }
    }
    return { indices, distances };
  }

  /** The index as the bytes of its file (usearch saves to a file only: a temporary one). */
  async toBytes(): Promise<Uint8Array> {
    const dir = await mkdtemp(join(tmpdir(), 'convnet-usearch-'));
    try {
      const temporary = join(dir, 'index.usearch');
      this.index.save(temporary);
      return await readFile(temporary);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Writes the index to path atomically. */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, await this.toBytes());
  }
}
