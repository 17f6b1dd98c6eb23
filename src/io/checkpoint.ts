/**
 * Checkpoints: a directory holding everything needed to rebuild a model and resume training.
 *
 *   checkpoint.json            the manifest, written last: for each part, its file, size, SHA-256
 *   model-<g>.json             spec: the model's description (any JSON)
 *   weights-<g>.safetensors    weights: the state dict, name -> tensor
 *   optimizer-<g>.json         optimizer: the optimizer's state dict (any JSON; optional)
 *   state-<g>.json             state: epoch, step, RNG states, history (any JSON; optional)
 *
 * g is the save's generation: 1 for the first save into a directory, then one more than any
 * generation whose files are present. A loader reads only the manifest's files, verifies each
 * one's size and hash, then parses it; a mismatch is reported as a corrupt or partial file.
 * Weights must be finite: a NaN or an infinity is refused on saving and on loading, naming the
 * tensor (a checkpoint that diverged cannot be resumed, so it is never called intact).
 *
 * Why a crash never leaves a checkpoint that loads with mixed contents: a save writes the new
 * generation's files under new names (each atomically: temp file, fsync, rename, fsync of the
 * directory; see atomic-write.ts), so the files the current manifest names are never touched.
 * Only then does it replace checkpoint.json, atomically: that rename is the commit point. A
 * crash before it leaves the old manifest naming the old, intact files (the new ones are
 * ignored and removed by the next save); a crash after it leaves the new manifest naming new
 * files that were already durable. Files of older generations and temp files left by crashed
 * saves are removed after the commit, best-effort (a failure there does not fail the save).
 * Renaming a whole directory into place was rejected: POSIX cannot rename a directory over a
 * non-empty one, so the swap would need two renames with a window where no checkpoint exists.
 *
 * A loader racing a save may find its manifest's files just removed: it then re-reads the
 * manifest and, if it changed, loads the new checkpoint (up to MAX_LOAD_ATTEMPTS times, each
 * one caused by another save landing). Two saves into one directory at the same time are not
 * supported.
 *
 * Saving serializes everything before it returns or yields (saveCheckpoint's promise), so the
 * caller may go on training and mutating the tensors at once.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Tensor } from '../tensor.js';
import {
  parseTempName,
  syncDirectory,
  syncDirectorySync,
  writeFileAtomic,
  writeFileAtomicSync,
} from './atomic-write.js';
import { nonFiniteTensorProblem } from './finite-tensors.js';
import {
  CheckpointError,
  PARTS,
  manifestOf,
  parseJsonFile,
  parseManifest,
  type CheckpointFileEntry,
  type CheckpointManifest,
  type CheckpointPart,
} from './checkpoint-manifest.js';
import { stringifyJson, type JsonValue } from './json.js';
import {
  SafetensorsError,
  decodeSafetensors,
  encodeSafetensors,
  type TensorDict,
} from './safetensors.js';
import { sha256Hex } from './sha256.js';

export { CheckpointError } from './checkpoint-manifest.js';
export type {
  CheckpointFileEntry,
  CheckpointManifest,
  CheckpointPart,
} from './checkpoint-manifest.js';

/** The parts of a checkpoint. spec and weights are always present. */
export interface CheckpointContents {
  spec: JsonValue;
  weights: TensorDict;
  optimizer?: JsonValue;
  state?: JsonValue;
}

export interface LoadedCheckpoint {
  spec: JsonValue;
  weights: Map<string, Tensor>;
  /** undefined when the checkpoint has none, or it was not among the parts asked for. */
  optimizer: JsonValue | undefined;
  state: JsonValue | undefined;
  manifest: CheckpointManifest;
}

export interface LoadCheckpointOptions {
  /** Which parts to read and verify (the manifest is always read). Default: all of them. */
  parts?: readonly CheckpointPart[];
}

/** The manifest's file name. */
export const CHECKPOINT_MANIFEST = 'checkpoint.json';

const PART_FILE = /^(model|weights|optimizer|state)-([0-9]+)\.(json|safetensors)$/;
/** How often a load starts over because a save replaced the manifest while it was reading. */
const MAX_LOAD_ATTEMPTS = 20;

/** Saves a checkpoint into dir (created if needed), crash-safely; returns its manifest. */
export async function saveCheckpoint(
  dir: string,
  contents: CheckpointContents,
): Promise<CheckpointManifest> {
  const prepared = prepareParts(dir, contents);
  const created = await mkdir(dir, { recursive: true });
  if (created !== undefined) await syncDirectory(dirname(created));
  const generation = nextGeneration(await readdir(dir));
  for (const { part, data } of prepared)
    await writeFileAtomic(join(dir, fileName(part, generation)), data);
  const manifest = manifestFor(prepared, generation);
  await writeFileAtomic(join(dir, CHECKPOINT_MANIFEST), manifestText(manifest));
  for (const name of staleFiles(await readdir(dir), manifest))
    await unlink(join(dir, name)).catch(() => undefined);
  return manifest;
}

/** The synchronous saveCheckpoint. */
export function saveCheckpointSync(dir: string, contents: CheckpointContents): CheckpointManifest {
  const prepared = prepareParts(dir, contents);
  const created = mkdirSync(dir, { recursive: true });
  if (created !== undefined) syncDirectorySync(dirname(created));
  const generation = nextGeneration(readdirSync(dir));
  for (const { part, data } of prepared)
    writeFileAtomicSync(join(dir, fileName(part, generation)), data);
  const manifest = manifestFor(prepared, generation);
  writeFileAtomicSync(join(dir, CHECKPOINT_MANIFEST), manifestText(manifest));
  for (const name of staleFiles(readdirSync(dir), manifest)) {
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Best-effort: the next save tries again, and loaders never read these files.
    }
  }
  return manifest;
}

/** Loads and verifies the checkpoint in dir; a CheckpointError names the file at fault. */
export async function loadCheckpoint(
  dir: string,
  options: LoadCheckpointOptions = {},
): Promise<LoadedCheckpoint> {
  const manifestPath = join(dir, CHECKPOINT_MANIFEST);
  for (let attempt = 1; ; attempt++) {
    const manifestBytes = await readFile(manifestPath).catch((error: unknown) =>
      missingManifest(dir, error),
    );
    const manifest = parseManifest(manifestBytes, manifestPath);
    try {
      const files = new Map<CheckpointPart, Uint8Array>();
      for (const { part, file } of partsToLoad(manifest, options)) {
        const path = join(dir, file);
        files.set(part, await readFile(path).catch((error: unknown) => missingPart(path, error)));
      }
      return assemble(dir, manifest, files);
    } catch (error) {
      const now = await readFile(manifestPath).catch(() => null);
      if (!manifestReplaced(attempt, manifestBytes, now)) throw error;
    }
  }
}

/** The synchronous loadCheckpoint. */
export function loadCheckpointSync(
  dir: string,
  options: LoadCheckpointOptions = {},
): LoadedCheckpoint {
  const manifestPath = join(dir, CHECKPOINT_MANIFEST);
  for (let attempt = 1; ; attempt++) {
    const manifestBytes = readOrElse(manifestPath, (error) => missingManifest(dir, error));
    const manifest = parseManifest(manifestBytes, manifestPath);
    try {
      const files = new Map<CheckpointPart, Uint8Array>();
      for (const { part, file } of partsToLoad(manifest, options)) {
        const path = join(dir, file);
        files.set(
          part,
          readOrElse(path, (error) => missingPart(path, error)),
        );
      }
      return assemble(dir, manifest, files);
    } catch (error) {
      const now = readOrElse(manifestPath, () => null);
      if (!manifestReplaced(attempt, manifestBytes, now)) throw error;
    }
  }
}

/** Whether to start a load over: a save replaced the manifest while its files were read. */
function manifestReplaced(attempt: number, before: Uint8Array, now: Uint8Array | null): boolean {
  return attempt < MAX_LOAD_ATTEMPTS && now !== null && Buffer.compare(before, now) !== 0;
}

interface PreparedPart {
  part: CheckpointPart;
  data: Uint8Array;
  sha256: string;
}

/** Serializes every part now, so the caller's objects may change as soon as save returns. */
function prepareParts(dir: string, contents: CheckpointContents): PreparedPart[] {
  const where = 'cannot save a checkpoint';
  if (typeof contents !== 'object' || contents === null) {
    throw new CheckpointError(
      dir,
      `${where}: contents must be { spec, weights, optimizer?, state? }`,
    );
  }
  const prepared: PreparedPart[] = [];
  for (const { part } of PARTS) {
    const value = contents[part];
    if (value === undefined) {
      if (part === 'spec' || part === 'weights')
        throw new CheckpointError(dir, `${where}: ${part} is required`);
      continue;
    }
    let data: Uint8Array;
    try {
      data =
        part === 'weights'
          ? encodeSafetensors(contents.weights)
          : new TextEncoder().encode(
              `${stringifyJson(value, part, part === 'optimizer' ? undefined : 2)}\n`,
            );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new CheckpointError(dir, `${where}: ${message}`, { cause: error });
    }
    if (part === 'weights') {
      // Encoding checked that every value is a Tensor.
      const { weights } = contents;
      const nonFinite = nonFiniteTensorProblem(
        weights instanceof Map ? weights : Object.entries(weights),
      );
      if (nonFinite !== null) {
        throw new CheckpointError(dir, `${where}: weights: ${nonFinite} (the model has diverged?)`);
      }
    }
    prepared.push({ part, data, sha256: sha256Hex(data) });
  }
  return prepared;
}

function manifestFor(prepared: PreparedPart[], generation: number): CheckpointManifest {
  const entries = new Map<CheckpointPart, CheckpointFileEntry>();
  for (const { part, data, sha256 } of prepared) {
    entries.set(part, { file: fileName(part, generation), bytes: data.length, sha256 });
  }
  return manifestOf(generation, entries, (problem) => {
    throw new Error(`manifestFor: ${problem}`);
  });
}

function manifestText(manifest: CheckpointManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function fileName(part: CheckpointPart, generation: number): string {
  const info = PARTS.find((p) => p.part === part);
  if (info === undefined) throw new Error(`fileName: unknown part ${part}`);
  return `${info.stem}-${generation}.${info.extension}`;
}

/** One more than any generation with a file (or a crashed save's temp file) in the directory. */
function nextGeneration(names: string[]): number {
  let latest = 0;
  for (const name of names) {
    const match = PART_FILE.exec(parseTempName(name) ?? name);
    if (match !== null) latest = Math.max(latest, Number(match[2]));
  }
  if (!Number.isSafeInteger(latest + 1))
    throw new Error(`nextGeneration: generation ${latest} is too large`);
  return latest + 1;
}

/** Part files the manifest does not name, and temp files left by crashed saves. */
function staleFiles(names: string[], manifest: CheckpointManifest): string[] {
  const current = new Set(Object.values(manifest.files).map((entry) => entry.file));
  return names.filter((name) => {
    const target = parseTempName(name);
    if (target !== null) return target === CHECKPOINT_MANIFEST || PART_FILE.test(target);
    return PART_FILE.test(name) && !current.has(name);
  });
}

/** The parts asked for that the checkpoint has, with their files. */
function partsToLoad(
  manifest: CheckpointManifest,
  { parts }: LoadCheckpointOptions,
): { part: CheckpointPart; file: string }[] {
  const loaded: { part: CheckpointPart; file: string }[] = [];
  for (const { part } of PARTS) {
    const entry = manifest.files[part];
    if (entry !== undefined && (parts === undefined || parts.includes(part)))
      loaded.push({ part, file: entry.file });
  }
  return loaded;
}

/** Verifies and parses the files read for each part. */
function assemble(
  dir: string,
  manifest: CheckpointManifest,
  files: Map<CheckpointPart, Uint8Array>,
): LoadedCheckpoint {
  const json = new Map<CheckpointPart, JsonValue>();
  let weights = new Map<string, Tensor>();
  for (const [part, data] of files) {
    const entry = manifest.files[part];
    if (entry === undefined) continue;
    const path = join(dir, entry.file);
    verify(path, data, entry);
    if (part === 'weights') {
      try {
        weights = decodeSafetensors(data, { source: path }).tensors;
      } catch (error) {
        if (!(error instanceof SafetensorsError)) throw error;
        throw new CheckpointError(path, error.problem, { cause: error });
      }
      const nonFinite = nonFiniteTensorProblem(weights);
      if (nonFinite !== null) throw new CheckpointError(path, nonFinite);
    } else {
      json.set(part, parseJsonFile(path, data));
    }
  }
  return {
    spec: json.get('spec') ?? null,
    weights,
    optimizer: json.get('optimizer'),
    state: json.get('state'),
    manifest,
  };
}

function verify(path: string, data: Uint8Array, entry: CheckpointFileEntry): void {
  if (data.length !== entry.bytes) {
    throw new CheckpointError(
      path,
      `has ${data.length} bytes, but ${CHECKPOINT_MANIFEST} records ${entry.bytes}: the file is truncated or was overwritten`,
    );
  }
  const actual = sha256Hex(data);
  if (actual !== entry.sha256) {
    throw new CheckpointError(
      path,
      `SHA-256 is ${actual}, but ${CHECKPOINT_MANIFEST} records ${entry.sha256}: the file is corrupt or was partially written`,
    );
  }
}

function missingManifest(dir: string, error: unknown): never {
  if (errorCode(error) !== 'ENOENT') throw error;
  const dirExists = existsSync(dir);
  throw new CheckpointError(
    dirExists ? join(dir, CHECKPOINT_MANIFEST) : dir,
    dirExists
      ? 'not found: this is not a checkpoint directory, or no save into it has finished'
      : 'no such checkpoint directory',
    { cause: error },
  );
}

function missingPart(path: string, error: unknown): never {
  if (errorCode(error) !== 'ENOENT') throw error;
  throw new CheckpointError(path, `is missing (${CHECKPOINT_MANIFEST} lists it)`, { cause: error });
}

function readOrElse<T>(path: string, orElse: (error: unknown) => T): Uint8Array | T {
  try {
    return readFileSync(path);
  } catch (error) {
    return orElse(error);
  }
}

function errorCode(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined;
}
