/**
 * A model in one file: a safetensors file whose tensors are a preset model's stateDict and whose
 * "__metadata__" says how to rebuild the model,
 *
 *   { "format": "convnet-ts-model",
 *     "spec": "{\"preset\":\"seed-net\",\"options\":{\"seed\":1,\"inChannels\":1,\"numClasses\":10,\"imageSize\":[28,28]}}" }
 *
 * The spec is JSON inside a string (safetensors metadata values are strings):
 *
 *   preset       'seed-net', 'lenet5' or 'fashion-net' (src/nn/presets.ts)
 *   options      seed, inChannels, numClasses, imageSize [height, width]; lenet5 also takes
 *                activation ('relu' | 'tanh') and pooling ('max' | 'avg'), fashion-net dropout.
 *                Written with every default filled in, so a file never depends on defaults.
 *   classNames   optional, one per output
 *   normalize    optional { mean, std }, one per input channel: the model expects
 *                (x - mean) / std of pixels in [0,1]; absent means it takes the pixels as they are
 *
 * Pure encoding and decoding of bytes, no file system, so the same file is written and read by
 * Node and by a browser page (the playground in web/):
 *
 *   const bytes = encodeModelFile({ preset: 'seed-net', options: { seed: 1 } }, model);
 *   const { spec, model } = modelFromFile(bytes, { source: 'digits.safetensors' });
 */
import { residentTensors } from '../kernels/backend.js';
import { ShapeError } from '../shape/shape-error.js';
import { fashionNet, lenet5, seedNet } from '../nn/presets.js';
import type { Sequential } from '../nn/sequential.js';
import type { StateDict } from '../nn/module.js';
import type { Tensor } from '../tensor.js';
import { JsonParseError, parseJson, type JsonObject, type JsonValue } from './json.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

/** The "format" value in the metadata of every model file. */
export const MODEL_FILE_FORMAT = 'convnet-ts-model';

/** The presets a model file can name. */
export const MODEL_FILE_PRESETS = ['seed-net', 'lenet5', 'fashion-net'] as const;
export type ModelFilePreset = (typeof MODEL_FILE_PRESETS)[number];

export interface ModelFileOptions {
  /** Default 0. */
  seed?: number;
  /** Default 1. */
  inChannels?: number;
  /** Default 10. */
  numClasses?: number;
  /** [height, width], or one number for square images; default 28. */
  imageSize?: number | readonly [number, number];
  /** lenet5 only; default 'relu'. */
  activation?: 'relu' | 'tanh';
  /** lenet5 only; default 'max'. */
  pooling?: 'max' | 'avg';
  /** fashion-net only; default 0.25. */
  dropout?: number;
}

export interface ModelFileNormalize {
  mean: number[];
  std: number[];
}

/** What a model file says about its model (see the top of this file). */
export interface ModelFileSpec {
  preset: ModelFilePreset;
  options?: ModelFileOptions;
  classNames?: readonly string[];
  normalize?: { mean: readonly number[]; std: readonly number[] };
}

/** A spec as decodeModelFile returns it: every option filled in. */
export interface CompleteModelFileSpec extends ModelFileSpec {
  options: Required<Pick<ModelFileOptions, 'seed' | 'inChannels' | 'numClasses'>> &
    Pick<ModelFileOptions, 'activation' | 'pooling' | 'dropout'> & {
      imageSize: [number, number];
    };
  classNames?: string[];
  normalize?: ModelFileNormalize;
}

export interface DecodedModelFile {
  spec: CompleteModelFileSpec;
  /** The weights, by the model's parameter and buffer names. */
  tensors: Map<string, Tensor>;
}

export interface LoadedModelFile {
  spec: CompleteModelFileSpec;
  /** The preset with the file's weights, in evaluation mode. */
  model: Sequential;
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

const COMMON_OPTIONS = ['seed', 'inChannels', 'numClasses', 'imageSize'];
const PRESET_OPTIONS: Readonly<Record<ModelFilePreset, readonly string[]>> = {
  'seed-net': COMMON_OPTIONS,
  lenet5: [...COMMON_OPTIONS, 'activation', 'pooling'],
  'fashion-net': [...COMMON_OPTIONS, 'dropout'],
};
const SPEC_KEYS = ['preset', 'options', 'classNames', 'normalize'];

type Fail = (problem: string) => never;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPreset(value: JsonValue | undefined): value is ModelFilePreset {
  return typeof value === 'string' && (MODEL_FILE_PRESETS as readonly string[]).includes(value);
}

function checkKeys(object: JsonObject, allowed: readonly string[], where: string, fail: Fail) {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    fail(`${where} has unknown key(s) ${unknown.join(', ')} (known: ${allowed.join(', ')})`);
  }
}

function positiveInteger(value: JsonValue | undefined, name: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    return fail(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
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
    return fail(
      `unknown preset ${JSON.stringify(preset)} (known: ${MODEL_FILE_PRESETS.join(', ')})`,
    );
  }
  const given = json.options ?? {};
  if (!isObject(given)) return fail('options must be an object');
  checkKeys(given, PRESET_OPTIONS[preset], `options of ${preset}`, fail);
  const seed = given.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    return fail(`options.seed must be an integer, got ${JSON.stringify(seed)}`);
  }
  const inChannels = positiveInteger(given.inChannels ?? 1, 'options.inChannels', fail);
  const numClasses = positiveInteger(given.numClasses ?? 10, 'options.numClasses', fail);
  const size = given.imageSize ?? 28;
  const imageSize: [number, number] =
    typeof size === 'number'
      ? [positiveInteger(size, 'options.imageSize', fail), size]
      : Array.isArray(size) && size.length === 2
        ? [
            positiveInteger(size[0], 'options.imageSize[0]', fail),
            positiveInteger(size[1], 'options.imageSize[1]', fail),
          ]
        : fail(`options.imageSize must be [height, width], got ${JSON.stringify(size)}`);
  const options: CompleteModelFileSpec['options'] = { seed, inChannels, numClasses, imageSize };
  if (preset === 'lenet5') {
    const { activation = 'relu', pooling = 'max' } = given;
    if (activation !== 'relu' && activation !== 'tanh') {
      return fail(`options.activation must be 'relu' or 'tanh', got ${JSON.stringify(activation)}`);
    }
    if (pooling !== 'max' && pooling !== 'avg') {
      return fail(`options.pooling must be 'max' or 'avg', got ${JSON.stringify(pooling)}`);
    }
    options.activation = activation;
    options.pooling = pooling;
  }
  if (preset === 'fashion-net') {
    const dropout = given.dropout ?? 0.25;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
      return fail(`options.dropout must be a number in [0, 1), got ${JSON.stringify(dropout)}`);
    }
    options.dropout = dropout;
  }
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
  return spec;
}

/** The spec as plain JSON data (what goes into the file). */
function specToJson(spec: CompleteModelFileSpec): JsonObject {
  const { seed, inChannels, numClasses, imageSize, activation, pooling, dropout } = spec.options;
  const options: JsonObject = { seed, inChannels, numClasses, imageSize: [...imageSize] };
  if (activation !== undefined) options.activation = activation;
  if (pooling !== undefined) options.pooling = pooling;
  if (dropout !== undefined) options.dropout = dropout;
  const json: JsonObject = { preset: spec.preset, options };
  if (spec.classNames !== undefined) json.classNames = [...spec.classNames];
  if (spec.normalize !== undefined) {
    json.normalize = { mean: [...spec.normalize.mean], std: [...spec.normalize.std] };
  }
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
  const { seed, inChannels, numClasses, imageSize, activation, pooling, dropout } = options;
  const common = { seed, inChannels, numClasses, imageSize };
  switch (preset) {
    case 'seed-net':
      return seedNet(common);
    case 'lenet5':
      return lenet5({ ...common, activation, pooling });
    case 'fashion-net':
      return fashionNet({ ...common, dropout });
  }
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
  return encodeSafetensors(state, {
    format: MODEL_FILE_FORMAT,
    spec: JSON.stringify(specToJson(complete)),
  });
}

/**
 * Reads a model file's spec and weights. The bytes are checked as a safetensors file first
 * (SafetensorsError), then the metadata (ModelFileError); both name options.source.
 */
export function decodeModelFile(
  bytes: Uint8Array,
  { source = 'model file' }: ModelFileReadOptions = {},
): DecodedModelFile {
  const fail: Fail = (problem) => {
    throw new ModelFileError(source, problem);
  };
  const { tensors, metadata } = decodeSafetensors(bytes, { source });
  if (metadata.format !== MODEL_FILE_FORMAT) {
    const found = metadata.format === undefined ? 'none' : JSON.stringify(metadata.format);
    return fail(
      `not a convnet-ts model file: its __metadata__ format is ${found}, expected "${MODEL_FILE_FORMAT}"`,
    );
  }
  if (metadata.spec === undefined) return fail('its __metadata__ has no "spec"');
  let json: JsonValue;
  try {
    json = parseJson(metadata.spec);
  } catch (error) {
    if (!(error instanceof JsonParseError)) throw error;
    return fail(`the spec in its __metadata__ is not valid JSON: ${error.message}`);
  }
  return { spec: checkSpec(json, (problem) => fail(`spec: ${problem}`)), tensors };
}

/** Rebuilds a model file's model: the preset from its spec, with its weights, in eval mode. */
export function modelFromFile(
  bytes: Uint8Array,
  { source = 'model file', resident = false }: ModelFromFileOptions = {},
): LoadedModelFile {
  const { spec, tensors } = decodeModelFile(bytes, { source });
  const build = () => buildModelFromSpec(spec);
  const model = resident ? residentTensors(build) : build();
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
  return { spec, model };
}
