/**
 * Version 1 of the model spec, from before graphs: a preset's name and its options,
 *
 *   { "preset": "seed-net", "options": { "seed": 1, "inChannels": 1, "numClasses": 10, "imageSize": [28, 28] },
 *     "classNames": [...], "normalize": { "mean": [...], "std": [...] }, "dataset": "mnist" }
 *
 * as model files held it in their metadata (and checkpoints with "format" and "version": 1).
 * Such a spec still loads: the preset table turns the preset into its graph, whose node names
 * are the preset's layer paths, so the file's weights fit it unchanged.
 *
 * Limits (PRESET_INPUT_LIMITS): imageSize at most 1024 per side, inChannels at most 64,
 * numClasses at most 100000, so a hostile spec cannot make the reader build a huge model.
 */
import {
  COMMON_PRESET_DEFAULTS,
  PRESET_INPUT_LIMITS,
  PRESET_NAMES,
  isPresetName,
  presetEntry,
  presetGraph,
  presetOptionNames,
  type PresetName,
  type PresetOptionRules,
  type PresetSpecificOptions,
} from '../nn/preset-table.js';
import { parseJson, type JsonObject, type JsonValue } from './json.js';
import { ModelSpecError, type ModelSpec } from './model-spec.js';

/** A spec that names a preset (version 1), as files held it and as code may still give it. */
export interface PresetModelSpec {
  preset: PresetName;
  /** seed, inChannels, numClasses, imageSize and the preset's own options; defaults filled in. */
  options?: PresetSpecificOptions & {
    seed?: number;
    inChannels?: number;
    numClasses?: number;
    imageSize?: number | readonly [number, number];
  };
  classNames?: readonly string[];
  normalize?: { mean: readonly number[]; std: readonly number[] };
  dataset?: string;
}

type Fail = (problem: string) => never;

const COMMON_OPTIONS = Object.keys(COMMON_PRESET_DEFAULTS);
const SPEC_KEYS = ['format', 'version', 'preset', 'options', 'classNames', 'normalize', 'dataset'];

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPreset(value: JsonValue | undefined): value is PresetName {
  return typeof value === 'string' && isPresetName(value);
}

/** The preset's own options, in its table order: each given value checked, or its default. */
function checkPresetSpecificOptions(rules: PresetOptionRules, given: JsonObject, fail: Fail) {
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

function positiveInteger(value: JsonValue | undefined, name: string, max: number, fail: Fail) {
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

/** A version-1 spec (see the top of this file) as a ModelSpec; throws a ModelSpecError. */
export function legacyModelSpec(json: JsonValue | object, source: string): ModelSpec {
  const fail: Fail = (problem) => {
    throw new ModelSpecError(source, problem);
  };
  // A round trip through JSON: a spec given in code is checked exactly as a file's.
  const data = parseJson(JSON.stringify(json));
  if (!isObject(data)) return fail('the spec must be a JSON object');
  checkKeys(data, SPEC_KEYS, 'the spec', fail);
  if (data.version !== undefined && data.version !== 1) {
    return fail(
      `a spec that names a preset is version 1, got version ${JSON.stringify(data.version)}`,
    );
  }
  const preset = data.preset;
  if (!isPreset(preset)) {
    return fail(`unknown preset ${JSON.stringify(preset)} (known: ${PRESET_NAMES.join(', ')})`);
  }
  const rules = presetEntry(preset).options;
  const given = data.options ?? {};
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
  const options = {
    seed,
    inChannels,
    numClasses,
    imageSize,
    ...checkPresetSpecificOptions(rules, given, fail),
  };
  let classNames = Array.from({ length: numClasses }, (_, k) => String(k));
  if (data.classNames !== undefined) {
    const names = data.classNames;
    if (
      !Array.isArray(names) ||
      names.length !== numClasses ||
      !names.every((n) => typeof n === 'string')
    ) {
      return fail(`classNames must be ${numClasses} strings, one per class`);
    }
    classNames = names.map(String);
  }
  let normalize = {
    mean: new Array<number>(inChannels).fill(0),
    std: new Array<number>(inChannels).fill(1),
  };
  if (data.normalize !== undefined) {
    const given = data.normalize;
    if (!isObject(given)) return fail('normalize must be { mean, std }');
    checkKeys(given, ['mean', 'std'], 'normalize', fail);
    const mean = finiteNumbers(given.mean, inChannels, 'normalize.mean', fail);
    const std = finiteNumbers(given.std, inChannels, 'normalize.std', fail);
    if (!std.every((s) => s > 0)) return fail(`normalize.std must be positive, got [${std}]`);
    normalize = { mean, std };
  }
  let dataset: string | null = null;
  if (data.dataset !== undefined && data.dataset !== null) {
    if (typeof data.dataset !== 'string' || data.dataset === '') {
      return fail(`dataset must be a non-empty string, got ${JSON.stringify(data.dataset)}`);
    }
    dataset = data.dataset;
  }
  let graph;
  try {
    graph = presetGraph(preset, options);
  } catch (error) {
    // Options within the limits that the preset cannot build (an image too small for its layers).
    if (!(error instanceof RangeError)) throw error;
    return fail(error.message);
  }
  return { name: preset, task: 'classification', graph, seed, classNames, normalize, dataset };
}
