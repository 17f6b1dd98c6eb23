/**
 * A checkpoint's manifest (checkpoint.json): which file holds each part, its size and SHA-256,
 * under one generation number. Read with every field checked (a manifest names only plain files
 * inside its directory); written by checkpoint.ts after the parts, which commits a save.
 */
import { JsonParseError, parseJson, type JsonValue } from './json.js';

export type CheckpointPart = 'spec' | 'weights' | 'optimizer' | 'state';

export interface CheckpointFileEntry {
  /** The file's name inside the checkpoint directory. */
  file: string;
  bytes: number;
  /** Lower-case hex. */
  sha256: string;
}

export interface CheckpointManifest {
  format: typeof FORMAT;
  version: typeof VERSION;
  generation: number;
  files: { spec: CheckpointFileEntry; weights: CheckpointFileEntry } & Partial<
    Record<'optimizer' | 'state', CheckpointFileEntry>
  >;
}

/** A checkpoint that cannot be saved or loaded; path is the file (or directory) at fault. */
export class CheckpointError extends Error {
  readonly path: string;

  constructor(path: string, problem: string, options?: ErrorOptions) {
    super(`${path}: ${problem}`, options);
    this.name = 'CheckpointError';
    this.path = path;
  }
}

const FORMAT = 'convnet-ts checkpoint';
const VERSION = 1;
export const PARTS: readonly { part: CheckpointPart; stem: string; extension: string }[] = [
  { part: 'spec', stem: 'model', extension: 'json' },
  { part: 'weights', stem: 'weights', extension: 'safetensors' },
  { part: 'optimizer', stem: 'optimizer', extension: 'json' },
  { part: 'state', stem: 'state', extension: 'json' },
];
const ENTRY_KEYS = ['file', 'bytes', 'sha256'];
/** The manifest of `generation` from its parts' entries; spec and weights are required. */
export function manifestOf(
  generation: number,
  entries: ReadonlyMap<CheckpointPart, CheckpointFileEntry>,
  fail: (problem: string) => never,
): CheckpointManifest {
  const spec = entries.get('spec');
  const weights = entries.get('weights');
  if (spec === undefined || weights === undefined)
    return fail('files.spec and files.weights are required');
  const files: CheckpointManifest['files'] = { spec, weights };
  const optimizer = entries.get('optimizer');
  const state = entries.get('state');
  if (optimizer !== undefined) files.optimizer = optimizer;
  if (state !== undefined) files.state = state;
  return { format: FORMAT, version: VERSION, generation, files };
}

export function parseJsonFile(path: string, data: Uint8Array): JsonValue {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch (error) {
    throw new CheckpointError(path, 'is not valid UTF-8 text', { cause: error });
  }
  try {
    return parseJson(text);
  } catch (error) {
    if (!(error instanceof JsonParseError)) throw error;
    throw new CheckpointError(path, error.message, { cause: error });
  }
}

export function parseManifest(data: Uint8Array, path: string): CheckpointManifest {
  const fail = (problem: string): never => {
    throw new CheckpointError(path, problem);
  };
  const value = parseJsonFile(path, data);
  if (!isObject(value)) return fail('the manifest must be a JSON object');
  if (value.format !== FORMAT)
    return fail(`not a convnet-ts checkpoint manifest (format is ${describe(value.format)})`);
  if (value.version !== VERSION) {
    return fail(
      `manifest version ${describe(value.version)} is not supported (this convnet-ts reads version ${VERSION})`,
    );
  }
  const generation = value.generation;
  if (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 1) {
    return fail(`generation must be a positive integer, got ${describe(generation)}`);
  }
  const files = value.files;
  if (!isObject(files)) return fail(`files must be an object, got ${describe(files)}`);
  for (const key of Object.keys(files)) {
    if (!PARTS.some((p) => p.part === key))
      fail(`files has an unknown part ${JSON.stringify(key)}`);
  }
  const entries = new Map<CheckpointPart, CheckpointFileEntry>();
  for (const { part } of PARTS) {
    const entry = files[part];
    if (entry === undefined) {
      if (part === 'spec' || part === 'weights') fail(`files.${part} is missing`);
      continue;
    }
    entries.set(part, readEntry(entry, `files.${part}`, fail));
  }
  return manifestOf(generation, entries, fail);
}

function readEntry(
  value: JsonValue,
  where: string,
  fail: (problem: string) => never,
): CheckpointFileEntry {
  if (!isObject(value)) return fail(`${where} must be an object, got ${describe(value)}`);
  for (const key of ENTRY_KEYS) {
    if (!Object.hasOwn(value, key)) fail(`${where} is missing "${key}"`);
  }
  for (const key of Object.keys(value)) {
    if (!ENTRY_KEYS.includes(key)) fail(`${where} has an unknown key ${JSON.stringify(key)}`);
  }
  const { file, bytes, sha256 } = value;
  // A plain name inside the directory: a manifest must not point anywhere else.
  if (typeof file !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(file)) {
    return fail(
      `${where}.file must be a plain file name inside the checkpoint directory, got ${describe(file)}`,
    );
  }
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
    return fail(`${where}.bytes must be a non-negative integer, got ${describe(bytes)}`);
  }
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
    return fail(`${where}.sha256 must be 64 lower-case hex digits, got ${describe(sha256)}`);
  }
  return { file, bytes, sha256 };
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
