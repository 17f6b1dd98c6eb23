/**
 * A search index on disk: a folder INDEX (by default the model's own directory) holding
 *
 *   search-index.json             the manifest, written last: the model the vectors were made
 *                                 with (its path and the SHA-256 of its file), D, N, where the
 *                                 images came from, the class names, and each data file's name,
 *                                 size and SHA-256
 *   search-vectors-<h>.safetensors   vectors (N,D) and labels (N; -1: none)
 *   search-hnsw-<h>.usearch          the HNSW index of the vectors (hnsw-index.ts)
 *   search-paths-<h>.json            the images' paths relative to the folder indexed
 *                                    (an image-folder index only)
 *
 * <h> is the start of the file's SHA-256, so a rebuild writes new files beside the old ones
 * (each atomically), then replaces the manifest atomically, then removes the files only the
 * old manifest named: at every moment the manifest names complete files that agree with it.
 * Reading checks each file's size and digest before decoding it, so a truncated or corrupt
 * file, or one from another build, is an error naming it, never garbage. Item i of a dataset
 * index is `<dataset>:<split>:<i>`; of an image folder, the file at paths[i].
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { decodeSafetensors, encodeSafetensors } from '../../io/safetensors.js';
import { Tensor } from '../../tensor.js';
import type { Vectors } from './exact-search.js';
import { HnswIndex } from './hnsw-index.js';

export const MANIFEST_FILE = 'search-index.json';
const FORMAT = 'convnet-ts-search-index';
const VERSION = 1;

const fileEntry = z.object({
  name: z.string().regex(/^search-[a-z]+-[0-9a-f]{12}\.[a-z]+$/),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
type FileEntry = z.infer<typeof fileEntry>;

const datasetSource = z.object({
  kind: z.literal('dataset'),
  /** 'mnist', 'fashion-mnist' or an image folder's path. */
  name: z.string(),
  /** 'train', 'test' or 'all' (train then test). */
  split: z.enum(['train', 'test', 'all']),
  /** Images of the training split indexed (item i < train is train:i, else test:i-train). */
  train: z.number().int().nonnegative(),
});
const imagesSource = z.object({
  kind: z.literal('images'),
  /** The folder indexed, absolute. */
  root: z.string(),
  /** Whether images were resized (and converted) to the model's input. */
  resize: z.boolean(),
});
export type IndexSource = z.infer<typeof datasetSource> | z.infer<typeof imagesSource>;

const manifestSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  model: z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  dim: z.number().int().positive(),
  count: z.number().int().nonnegative(),
  source: z.discriminatedUnion('kind', [datasetSource, imagesSource]),
  classNames: z.array(z.string()).nullable(),
  files: z.object({ vectors: fileEntry, hnsw: fileEntry, paths: fileEntry.nullable() }),
});
export type IndexManifest = z.infer<typeof manifestSchema>;

/** The model an index was made with: its file and that file's SHA-256. */
export interface ModelIdentity {
  path: string;
  sha256: string;
}

/** What an index holds, in memory. */
export interface SearchIndex {
  dir: string;
  manifest: IndexManifest;
  vectors: Vectors;
  /** Index into manifest.classNames, or -1 where the label is unknown. */
  labels: Int32Array;
  /** Image-folder indexes: each item's path relative to source.root; else null. */
  paths: readonly string[] | null;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The model file's path (absolute) and the SHA-256 of its bytes. */
export async function modelIdentity(file: string): Promise<ModelIdentity> {
  const path = resolve(file);
  return { path, sha256: sha256(await readFile(path)) };
}

/** Whether `dir` holds a search index (a manifest). */
export function isSearchIndex(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE));
}

/** Item i's name: its path for an image folder, `<dataset>:<split>:<index>` for a dataset. */
export function itemName(index: Pick<SearchIndex, 'manifest' | 'paths'>, i: number): string {
  const { source } = index.manifest;
  if (source.kind === 'images') return join(source.root, (index.paths as readonly string[])[i]);
  const { name, split, train } = source;
  if (split === 'test') return `${name}:test:${i}`;
  return i < train ? `${name}:train:${i}` : `${name}:test:${i - train}`;
}

export interface WriteIndexOptions {
  model: ModelIdentity;
  source: IndexSource;
  classNames: readonly string[] | null;
  vectors: Vectors;
  labels: Int32Array;
  /** Image folders: each item's path relative to source.root. */
  paths: readonly string[] | null;
  hnsw: HnswIndex;
}

async function writeData(
  dir: string,
  kind: string,
  ext: string,
  bytes: Uint8Array,
): Promise<FileEntry> {
  const digest = sha256(bytes);
  const name = `search-${kind}-${digest.slice(0, 12)}.${ext}`;
  await writeFileAtomic(join(dir, name), bytes);
  return { name, bytes: bytes.length, sha256: digest };
}

/** Writes the index into `dir` (made if missing), atomically as the top of the file says. */
export async function writeSearchIndex(dir: string, o: WriteIndexOptions): Promise<IndexManifest> {
  const { vectors, labels } = o;
  if (labels.length !== vectors.count || vectors.data.length !== vectors.count * vectors.dim)
    throw new RangeError(
      `writeSearchIndex: ${vectors.count} vectors of ${vectors.dim}, ${vectors.data.length} values and ${labels.length} labels`,
    );
  if (o.paths !== null && o.paths.length !== vectors.count)
    throw new RangeError(`writeSearchIndex: ${o.paths.length} paths for ${vectors.count} vectors`);
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new Error(`${dir} is a file; a search index is a folder (--out INDEX)`);
  await mkdir(dir, { recursive: true });
  const old = isSearchIndex(dir) ? await readManifest(dir).catch(() => null) : null;
  const tensors = {
    vectors: new Tensor(vectors.data, [vectors.count, vectors.dim]),
    labels: new Tensor(Float32Array.from(labels), [labels.length]),
  };
  const files = {
    vectors: await writeData(dir, 'vectors', 'safetensors', encodeSafetensors(tensors)),
    hnsw: await writeData(dir, 'hnsw', 'usearch', await o.hnsw.toBytes()),
    paths:
      o.paths === null
        ? null
        : await writeData(dir, 'paths', 'json', new TextEncoder().encode(JSON.stringify(o.paths))),
  };
  const manifest: IndexManifest = {
    format: FORMAT,
    version: VERSION,
    model: o.model,
    dim: vectors.dim,
    count: vectors.count,
    source: o.source,
    classNames: o.classNames === null ? null : [...o.classNames],
    files,
  };
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  if (old !== null) {
    const keep = new Set(Object.values(files).map((f) => f?.name));
    for (const f of Object.values(old.files))
      if (f !== null && !keep.has(f.name)) await rm(join(dir, f.name), { force: true });
  }
  return manifest;
}

/** Reads and checks the manifest of the index in `dir`. */
export async function readManifest(dir: string): Promise<IndexManifest> {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file))
    throw new Error(
      `${dir} is not a search index (no ${MANIFEST_FILE}): build one with convnet index --model MODEL --out ${dir}`,
    );
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `${file}: not a search index manifest: ${(error as Error).message}; rebuild the index with convnet index`,
      { cause: error },
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${file}: not a search index manifest: ${issue.path.join('.') || 'the file'}: ${issue.message}; rebuild the index with convnet index`,
    );
  }
  return parsed.data;
}

/** A data file's bytes, checked against its manifest entry (size, then digest). */
async function readChecked(dir: string, entry: FileEntry): Promise<Uint8Array> {
  const file = join(dir, entry.name);
  if (!existsSync(file))
    throw new Error(
      `${file} is missing (named by ${join(dir, MANIFEST_FILE)}); rebuild the index with convnet index`,
    );
  const bytes = await readFile(file);
  if (bytes.length !== entry.bytes)
    throw new Error(
      `${file} is ${bytes.length} bytes, but the index's manifest says ${entry.bytes}: the file is truncated or was replaced; rebuild the index with convnet index`,
    );
  if (sha256(bytes) !== entry.sha256)
    throw new Error(
      `${file} does not match the SHA-256 in the index's manifest: the file is corrupt; rebuild the index with convnet index`,
    );
  return bytes;
}

/** Reads the index in `dir`, every file checked (see the top of the file); not the HNSW graph. */
export async function readSearchIndex(dir: string): Promise<SearchIndex> {
  const manifest = await readManifest(dir);
  const { files, dim, count } = manifest;
  const vectorsFile = join(dir, files.vectors.name);
  const { tensors } = decodeSafetensors(await readChecked(dir, files.vectors), {
    source: vectorsFile,
  });
  const v = tensors.get('vectors');
  const l = tensors.get('labels');
  if (
    v === undefined ||
    l === undefined ||
    v.rank !== 2 ||
    v.shape[0] !== count ||
    v.shape[1] !== dim ||
    l.size !== count
  )
    throw new Error(
      `${vectorsFile}: expected vectors (${count},${dim}) and labels (${count}) as the manifest says`,
    );
  const classes = manifest.classNames?.length ?? 0;
  const labels = Int32Array.from(l.data);
  const bad = labels.findIndex((x) => x < -1 || x >= classes || (classes === 0 && x !== -1));
  if (bad >= 0)
    throw new Error(
      `${vectorsFile}: label ${labels[bad]} of item ${bad} is not one of the ${classes} classes`,
    );
  let paths: string[] | null = null;
  if (files.paths !== null) {
    const parsed = z
      .array(z.string())
      .length(count)
      .safeParse(JSON.parse(new TextDecoder().decode(await readChecked(dir, files.paths))));
    if (!parsed.success) throw new Error(`${join(dir, files.paths.name)}: expected ${count} paths`);
    paths = parsed.data;
  }
  if (manifest.source.kind === 'images' && paths === null)
    throw new Error(`${join(dir, MANIFEST_FILE)}: an image-folder index without its paths file`);
  return {
    dir,
    manifest,
    vectors: { data: Float32Array.from(v.data), count, dim },
    labels,
    paths,
  };
}

/** The index's HNSW graph, its file checked first. */
export async function readIndexHnsw(index: SearchIndex): Promise<HnswIndex> {
  const entry = index.manifest.files.hnsw;
  await readChecked(index.dir, entry);
  return HnswIndex.load(join(index.dir, entry.name), index.manifest.dim);
}

/**
 * Fails unless `model` is the one the index was made with, saying which each is and their
 * dimensions: searching one model's vectors with another's queries gives meaningless results.
 */
export function checkIndexModel(
  index: Pick<SearchIndex, 'dir' | 'manifest'>,
  model: ModelIdentity,
  modelDim: number,
): void {
  const made = index.manifest.model;
  if (made.sha256 === model.sha256 && modelDim === index.manifest.dim) return;
  const dims =
    modelDim === index.manifest.dim
      ? `both ${modelDim}-d`
      : `the index holds ${index.manifest.dim}-d vectors, the model makes ${modelDim}-d ones`;
  throw new Error(
    `${index.dir} was made with another model: ${made.path} (sha256 ${made.sha256.slice(0, 12)}), not ${model.path} (sha256 ${model.sha256.slice(0, 12)}); ${dims}. Search it with the model it was made with, or rebuild it: convnet index --model ${model.path} --out ${index.dir}`,
  );
}
