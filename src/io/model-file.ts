/**
 * A model in one file: a safetensors file whose tensors are a preset model's stateDict and whose
 * "__metadata__" says how to rebuild the model,
 *
 *   { "format": "convnet-ts-model",
 *     "spec": "{\"preset\":\"seed-net\",\"options\":{\"seed\":1,\"inChannels\":1,\"numClasses\":10,\"imageSize\":[28,28]}}" }
 *
 * The spec is JSON inside a string (safetensors metadata values are strings):
 *
 *   preset       a name in the preset table, PRESETS (src/nn/preset-table.ts)
 *   options      seed, inChannels, numClasses, imageSize [height, width], and the preset's own
 *                options as its table entry lists them (lenet5: activation and pooling,
 *                fashion-net: dropout). Written with every default filled in, so a file never
 *                depends on defaults.
 *   classNames   optional, one per output
 *   normalize    optional { mean, std }, one per input channel: the model expects
 *                (x - mean) / std of pixels in [0,1]; absent means it takes the pixels as they are
 *   dataset      optional: what it was trained on ('mnist', 'fashion-mnist' or an image
 *                folder's path), which `convnet eval` evaluates on when not told otherwise
 *
 * Limits (PRESET_INPUT_LIMITS, nn/preset-table.ts): imageSize at most 1024 per side, inChannels at most 64,
 * numClasses at most 100000, so a hostile spec cannot make the reader build a huge model.
 *
 * The digest: "__metadata__" also holds "sha256", the SHA-256 (64 lower-case hex digits) of
 *
 *   JSON.stringify({ format, spec, tensors: [[name, dtype, shape], ...] }) + "\n" + data buffer
 *
 * with the tensors in the order of their bytes (the layout line binds names, dtypes and shapes
 * to the bytes: a flipped dtype letter or a swapped name changes the weights as surely as a
 * flipped data byte). A reader recomputes it and refuses a mismatch, naming the file; files
 * written before the digest existed (no "sha256" key) still load, unchecked (decodeModelFile's
 * `digest` is then null). Any other metadata key is refused, so a corrupted key cannot turn a
 * checked file into an unchecked one. Every weight must be finite: a NaN or an infinity is
 * refused on writing and on reading, naming the tensor and the element.
 *
 * Pure encoding and decoding of bytes, no file system, so the same file is written and read by
 * Node and by a browser page (the playground in web/):
 *
 *   const bytes = encodeModelFile({ preset: 'seed-net', options: { seed: 1 } }, model);
 *   const { spec, model } = modelFromFile(bytes, { source: 'digits.safetensors' });
 */
import { residentTensors } from '../kernels/backend.js';
import { ShapeError } from '../shape/shape-error.js';
import {
  COMMON_PRESET_DEFAULTS,
  PRESET_INPUT_LIMITS,
  PRESET_NAMES,
  isPresetName,
  presetEntry,
  presetOptionNames,
  type PresetName,
  type PresetOptionRules,
  type PresetSpecificOptions,
} from '../nn/preset-table.js';
import type { Sequential } from '../nn/sequential.js';
import type { StateDict } from '../nn/module.js';
import type { Tensor } from '../tensor.js';
import { nonFiniteTensorProblem } from './finite-tensors.js';
import { JsonParseError, parseJson, type JsonObject, type JsonValue } from './json.js';
import { decodeSafetensors, encodeSafetensors, type DecodedSafetensors } from './safetensors.js';
import { sha256Hex } from './sha256.js';

/** The "format" value in the metadata of every model file. */
export const MODEL_FILE_FORMAT = 'convnet-ts-model';

/** The "__metadata__" keys of a model file. */
const METADATA_KEYS = ['format', 'spec', 'sha256'];

/**
 * A preset's options as a spec gives them: the common ones (defaults in COMMON_PRESET_DEFAULTS)
 * and the preset's own (lenet5's activation and pooling, fashion-net's dropout; defaults in its
 * table entry).
 */
export interface ModelFileOptions extends PresetSpecificOptions {
  /** Default 0. */
  seed?: number;
  /** Default 1. */
  inChannels?: number;
  /** Default 10. */
  numClasses?: number;
  /** [height, width], or one number for square images; default 28. */
  imageSize?: number | readonly [number, number];
}

export interface ModelFileNormalize {
  mean: number[];
  std: number[];
}

/** What a model file says about its model (see the top of this file). */
export interface ModelFileSpec {
  /** Any preset in the table (PRESET_NAMES). */
  preset: PresetName;
  options?: ModelFileOptions;
  classNames?: readonly string[];
  normalize?: { mean: readonly number[]; std: readonly number[] };
  /** What it was trained on: 'mnist', 'fashion-mnist' or an image folder's path. */
  dataset?: string;
}

/** A spec as decodeModelFile returns it: every option filled in. */
export interface CompleteModelFileSpec extends ModelFileSpec {
  options: Required<Pick<ModelFileOptions, 'seed' | 'inChannels' | 'numClasses'>> &
    PresetSpecificOptions & {
      imageSize: [number, number];
    };
  classNames?: string[];
  normalize?: ModelFileNormalize;
}

export interface DecodedModelFile {
  spec: CompleteModelFileSpec;
  /** The weights, by the model's parameter and buffer names. */
  tensors: Map<string, Tensor>;
  /** The SHA-256 digest, checked; null for a file written before digests (not checked). */
  digest: string | null;
}

export interface LoadedModelFile {
  spec: CompleteModelFileSpec;
  /** The preset with the file's weights, in evaluation mode. */
  model: Sequential;
  /** As in DecodedModelFile: null when the file has no digest to check. */
  digest: string | null;
}

export interface ModelFileReadOptions {
  /** Names the bytes in error messages: the file's path or name. */
  source?: string;
}

export interface ModelFromFileOptions extends ModelFileReadOptions {
  /**
   * Build the model's parameters in the current backend's resident memory (residentTensors), so
   * no kernel call copies them; that memory is held for the backend's life. Default false: for a
   * model that lives as long as the process, such as a command-line tool's.
   */
  resident?: boolean;
}

/** A model file that cannot be written or read; the message names the source and the problem. */
export class ModelFileError extends Error {
  readonly source: string;
  readonly problem: string;

  constructor(source: string, problem: string, options?: ErrorOptions) {
    super(`${source}: ${problem}`, options);
    this.name = 'ModelFileError';
    this.source = source;
    this.problem = problem;
  }
}

const COMMON_OPTIONS = Object.keys(COMMON_PRESET_DEFAULTS);
const SPEC_KEYS = ['preset', 'options', 'classNames', 'normalize', 'dataset'];

type Fail = (problem: string) => never;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPreset(value: JsonValue | undefined): value is PresetName {
  return typeof value === 'string' && isPresetName(value);
}

/** The preset's own options, in its table order: each given value checked, or its default. */
function checkPresetSpecificOptions(
  rules: PresetOptionRules,
  given: JsonObject,
  fail: Fail,
): PresetSpecificOptions {
  const checked: PresetSpecificOptions = {};
  const take = <K extends keyof PresetSpecificOptions>(key: K): void => {
    const rule = rules[key];
    if (rule === undefined) return;
    const value = given[key] ?? rule.defaultValue;
    if (!rule.accepts(value)) {
      fail(`options.${key} must be ${rule.expected}, got ${JSON.stringify(value)}`);
    }
    checked[key] = value;
  };
  for (const key of presetOptionNames(rules)) take(key);
  return checked;
}

function checkKeys(object: JsonObject, allowed: readonly string[], where: string, fail: Fail) {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    fail(`${where} has unknown key(s) ${unknown.join(', ')} (known: ${allowed.join(', ')})`);
  }
}

function positiveInteger(
  value: JsonValue | undefined,
  name: string,
  max: number,
  fail: Fail,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    return fail(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  if (value > max) return fail(`${name} must be at most ${max}, got ${value}`);
  return value;
}

function finiteNumbers(value: JsonValue | undefined, length: number, name: string, fail: Fail) {
  if (
    !Array.isArray(value) ||
    value.length !== length ||
    !value.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    return fail(`${name} must be ${length} finite number(s), got ${JSON.stringify(value)}`);
  }
  return value.map(Number);
}

/** Checks a spec given as JSON data and fills in the defaults. */
function checkSpec(json: JsonValue, fail: Fail): CompleteModelFileSpec {
  if (!isObject(json)) return fail('the spec must be a JSON object');
  checkKeys(json, SPEC_KEYS, 'the spec', fail);
  const preset = json.preset;
  if (!isPreset(preset)) {
    return fail(`unknown preset ${JSON.stringify(preset)} (known: ${PRESET_NAMES.join(', ')})`);
  }
  const rules = presetEntry(preset).options;
  const given = json.options ?? {};
  if (!isObject(given)) return fail('options must be an object');
  checkKeys(given, [...COMMON_OPTIONS, ...presetOptionNames(rules)], `options of ${preset}`, fail);
  const seed = given.seed ?? COMMON_PRESET_DEFAULTS.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    return fail(`options.seed must be an integer, got ${JSON.stringify(seed)}`);
  }
  const defaults = COMMON_PRESET_DEFAULTS;
  const limits = PRESET_INPUT_LIMITS;
  const inChannels = positiveInteger(
    given.inChannels ?? defaults.inChannels,
    'options.inChannels',
    limits.inChannels,
    fail,
  );
  const numClasses = positiveInteger(
    given.numClasses ?? defaults.numClasses,
    'options.numClasses',
    limits.numClasses,
    fail,
  );
  const size = given.imageSize ?? defaults.imageSize;
  const side = (value: JsonValue | undefined, name: string) =>
    positiveInteger(value, name, limits.imageSize, fail);
  const imageSize: [number, number] =
    typeof size === 'number'
      ? [side(size, 'options.imageSize'), size]
      : Array.isArray(size) && size.length === 2
        ? [side(size[0], 'options.imageSize[0]'), side(size[1], 'options.imageSize[1]')]
        : fail(`options.imageSize must be [height, width], got ${JSON.stringify(size)}`);
  const options: CompleteModelFileSpec['options'] = {
    seed,
    inChannels,
    numClasses,
    imageSize,
    ...checkPresetSpecificOptions(rules, given, fail),
  };
  const spec: CompleteModelFileSpec = { preset, options };
  if (json.classNames !== undefined) {
    const names = json.classNames;
    if (
      !Array.isArray(names) ||
      names.length !== numClasses ||
      !names.every((n) => typeof n === 'string')
    ) {
      return fail(`classNames must be ${numClasses} strings, one per class`);
    }
    spec.classNames = names.map(String);
  }
  if (json.normalize !== undefined) {
    const normalize = json.normalize;
    if (!isObject(normalize)) return fail('normalize must be { mean, std }');
    checkKeys(normalize, ['mean', 'std'], 'normalize', fail);
    const mean = finiteNumbers(normalize.mean, inChannels, 'normalize.mean', fail);
    const std = finiteNumbers(normalize.std, inChannels, 'normalize.std', fail);
    if (!std.every((s) => s > 0)) return fail(`normalize.std must be positive, got [${std}]`);
    spec.normalize = { mean, std };
  }
  if (json.dataset !== undefined) {
    if (typeof json.dataset !== 'string' || json.dataset === '')
      return fail(`dataset must be a non-empty string, got ${JSON.stringify(json.dataset)}`);
    spec.dataset = json.dataset;
  }
  return spec;
}

/** The spec as plain JSON data (what goes into the file). */
function specToJson(spec: CompleteModelFileSpec): JsonObject {
  const { seed, inChannels, numClasses, imageSize, ...own } = spec.options;
  const options: JsonObject = { seed, inChannels, numClasses, imageSize: [...imageSize] };
  for (const [key, value] of Object.entries(own)) {
    if (value !== undefined) options[key] = value;
  }
  const json: JsonObject = { preset: spec.preset, options };
  if (spec.classNames !== undefined) json.classNames = [...spec.classNames];
  if (spec.normalize !== undefined) {
    json.normalize = { mean: [...spec.normalize.mean], std: [...spec.normalize.std] };
  }
  if (spec.dataset !== undefined) json.dataset = spec.dataset;
  return json;
}

/**
 * Checks a spec and fills in its defaults (seed 0, one input channel, 10 classes, 28x28, and
 * the preset's own defaults); throws a ModelFileError naming the field at fault.
 */
export function completeModelFileSpec(spec: ModelFileSpec): CompleteModelFileSpec {
  const fail: Fail = (problem) => {
    throw new ModelFileError('model file spec', problem);
  };
  // A round trip through JSON checks the spec exactly as a file's spec is checked.
  let json: JsonValue;
  try {
    json = parseJson(JSON.stringify(spec));
  } catch (error) {
    if (!(error instanceof JsonParseError)) throw error;
    return fail(`the spec is not JSON data: ${error.message}`);
  }
  return checkSpec(json, fail);
}

/** Builds the spec's preset with its options (initial weights from its seed). */
export function buildModelFromSpec(spec: ModelFileSpec): Sequential {
  const { preset, options } = completeModelFileSpec(spec);
  return presetEntry(preset).build(options);
}

/**
 * The model file for a model built from the spec's preset: its stateDict as float32 tensors and
 * the spec (defaults filled in) in the metadata. The model's parameter and buffer names and
 * shapes must be the preset's; a model of another shape is a ModelFileError.
 */
export function encodeModelFile(spec: ModelFileSpec, model: Sequential): Uint8Array {
  const complete = completeModelFileSpec(spec);
  const state: StateDict = model.stateDict();
  try {
    buildModelFromSpec(complete).loadStateDict(state);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new ModelFileError(
      'encodeModelFile',
      `the model is not the spec's ${complete.preset}: ${error.message}`,
      { cause: error },
    );
  }
  const nonFinite = nonFiniteTensorProblem(state);
  if (nonFinite !== null) {
    throw new ModelFileError(
      'encodeModelFile',
      `${nonFinite}: a model file holds finite weights only (the model has diverged?)`,
    );
  }
  const metadata = { format: MODEL_FILE_FORMAT, spec: JSON.stringify(specToJson(complete)) };
  // The digest covers the data as laid out in the file, so it is taken from an encoding.
  const unsigned = encodeSafetensors(state, metadata);
  const sha256 = modelFileDigest(metadata.spec, decodeSafetensors(unsigned), unsigned);
  return encodeSafetensors(state, { ...metadata, sha256 });
}

/** The digest of a decoded safetensors file's spec, layout and data (see the top of this file). */
function modelFileDigest(spec: string, decoded: DecodedSafetensors, bytes: Uint8Array): string {
  const layout = [...decoded.tensors].map(([name, tensor]) => [
    name,
    decoded.dtypes.get(name) ?? '',
    tensor.shape,
  ]);
  const text = `${JSON.stringify({ format: MODEL_FILE_FORMAT, spec, tensors: layout })}\n`;
  const headerLength = Number(
    new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true),
  );
  return sha256Hex(new TextEncoder().encode(text), bytes.subarray(8 + headerLength));
}

/**
 * Reads a model file's spec and weights. The bytes are checked as a safetensors file first
 * (SafetensorsError), then the metadata, the digest when the file has one, the spec and that
 * every weight is finite (ModelFileError); both name options.source.
 */
export function decodeModelFile(
  bytes: Uint8Array,
  { source = 'model file' }: ModelFileReadOptions = {},
): DecodedModelFile {
  const fail: Fail = (problem) => {
    throw new ModelFileError(source, problem);
  };
  const decoded = decodeSafetensors(bytes, { source });
  const { tensors, metadata } = decoded;
  if (metadata.format !== MODEL_FILE_FORMAT) {
    const found = metadata.format === undefined ? 'none' : JSON.stringify(metadata.format);
    return fail(
      `not a convnet-ts model file: its __metadata__ format is ${found}, expected "${MODEL_FILE_FORMAT}"`,
    );
  }
  const unknown = Object.keys(metadata).filter((key) => !METADATA_KEYS.includes(key));
  if (unknown.length > 0) {
    return fail(
      `its __metadata__ has unknown key(s) ${unknown.map((key) => JSON.stringify(key)).join(', ')} (known: ${METADATA_KEYS.join(', ')})`,
    );
  }
  if (metadata.spec === undefined) return fail('its __metadata__ has no "spec"');
  const recorded = metadata.sha256;
  if (recorded !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(recorded)) {
      return fail(
        `the sha256 in its __metadata__ must be 64 lower-case hex digits, got ${JSON.stringify(recorded.slice(0, 80))}`,
      );
    }
    const actual = modelFileDigest(metadata.spec, decoded, bytes);
    if (actual !== recorded) {
      return fail(
        `its contents do not match the SHA-256 in its __metadata__ (recorded ${recorded}, computed ${actual}): the file is corrupt or was modified`,
      );
    }
  }
  let json: JsonValue;
  try {
    json = parseJson(metadata.spec);
  } catch (error) {
    if (!(error instanceof JsonParseError)) throw error;
    return fail(`the spec in its __metadata__ is not valid JSON: ${error.message}`);
  }
  const spec = checkSpec(json, (problem) => fail(`spec: ${problem}`));
  const nonFinite = nonFiniteTensorProblem(tensors);
  if (nonFinite !== null) return fail(nonFinite);
  return { spec, tensors, digest: recorded ?? null };
}

/** Rebuilds a model file's model: the preset from its spec, with its weights, in eval mode. */
export function modelFromFile(
  bytes: Uint8Array,
  { source = 'model file', resident = false }: ModelFromFileOptions = {},
): LoadedModelFile {
  const { spec, tensors, digest } = decodeModelFile(bytes, { source });
  const build = () => buildModelFromSpec(spec);
  let model: Sequential;
  try {
    model = resident ? residentTensors(build) : build();
  } catch (error) {
    // A spec within the limits that the preset cannot build (an image too small for its layers).
    if (!(error instanceof ShapeError)) throw error;
    throw new ModelFileError(source, `spec: ${error.message}`, { cause: error });
  }
  try {
    model.loadStateDict(tensors);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new ModelFileError(
      source,
      `the weights do not fit the spec's ${spec.preset}: ${error.message}`,
      { cause: error },
    );
  }
  model.eval();
  return { spec, model, digest };
}
