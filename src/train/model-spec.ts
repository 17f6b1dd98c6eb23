/**
 * The model spec: what a checkpoint says about its model, so that `eval` and `predict` can
 * rebuild it without the command line that trained it. Plain JSON (the checkpoint's model-<g>.json):
 *
 *   { "format": "convnet-ts model", "version": 1,
 *     "preset": "seed-net",                      a name in PRESETS (src/nn/preset-table.ts)
 *     "options": { "seed": 0, "inChannels": 1, "numClasses": 10, "imageSize": [28, 28] },
 *     "classNames": ["0", "1", ...],             one per output, in order
 *     "normalize": { "mean": [0.13], "std": [0.31] },   per channel, applied to inputs in [0,1]
 *     "dataset": "mnist" }                       where it was trained (informational)
 *
 * buildModel(spec) makes the preset with those options; the weights then come from the
 * checkpoint. parseModelSpec checks every field and names the one at fault.
 */
import type { NormalizeOptions } from '../data/loader.js';
import type { JsonObject, JsonValue } from '../io/json.js';
import {
  buildPreset,
  isPresetName,
  PRESET_INPUT_LIMITS,
  PRESET_NAMES,
  type PresetName,
} from '../nn/preset-table.js';
import type { Sequential } from '../nn/sequential.js';

export interface ModelOptions {
  seed: number;
  inChannels: number;
  numClasses: number;
  imageSize: [number, number];
}

export interface ModelSpec {
  preset: PresetName;
  options: ModelOptions;
  classNames: string[];
  normalize: NormalizeOptions;
  /** Where it was trained; null for a model file that does not say (evaluate needs a dataset). */
  dataset: string | null;
}

const FORMAT = 'convnet-ts model';
const VERSION = 1;

/** Builds the spec's model (initial weights from its seed; load a checkpoint's weights next). */
export function buildModel(spec: ModelSpec): Sequential {
  const { seed, inChannels, numClasses, imageSize } = spec.options;
  return buildPreset(spec.preset, { seed, inChannels, numClasses, imageSize });
}

/** The spec as JSON, ready for saveCheckpoint. */
export function modelSpecToJson(spec: ModelSpec): JsonObject {
  const { seed, inChannels, numClasses, imageSize } = spec.options;
  return {
    format: FORMAT,
    version: VERSION,
    preset: spec.preset,
    options: { seed, inChannels, numClasses, imageSize: [...imageSize] },
    classNames: [...spec.classNames],
    normalize: { mean: [...spec.normalize.mean], std: [...spec.normalize.std] },
    dataset: spec.dataset,
  };
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInteger(value: JsonValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function numbers(value: JsonValue | undefined, length: number): number[] | null {
  if (!Array.isArray(value) || value.length !== length) return null;
  const result: number[] = [];
  for (const v of value) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return null;
    result.push(v);
  }
  return result;
}

/** Reads and checks a spec (from model-<g>.json); `source` names the file in errors. */
export function parseModelSpec(json: JsonValue, source: string): ModelSpec {
  const fail = (problem: string): never => {
    throw new Error(`${source}: ${problem}`);
  };
  if (!isObject(json)) return fail('the model spec must be a JSON object');
  if (json.format !== FORMAT)
    return fail(`not a convnet-ts model spec (format is ${JSON.stringify(json.format)})`);
  if (json.version !== VERSION) {
    return fail(
      `model spec version ${JSON.stringify(json.version)} is not supported (this convnet-ts reads ${VERSION})`,
    );
  }
  const preset = json.preset;
  if (typeof preset !== 'string' || !isPresetName(preset)) {
    return fail(`unknown preset ${JSON.stringify(preset)} (known: ${PRESET_NAMES.join(', ')})`);
  }
  const options = json.options;
  if (!isObject(options)) return fail('options must be an object');
  const { seed, inChannels, numClasses } = options;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
    return fail(`options.seed must be an integer, got ${JSON.stringify(seed)}`);
  const limits = PRESET_INPUT_LIMITS;
  if (!positiveInteger(inChannels) || inChannels > limits.inChannels) {
    return fail(
      `options.inChannels must be an integer in [1, ${limits.inChannels}], got ${JSON.stringify(inChannels)}`,
    );
  }
  if (!positiveInteger(numClasses) || numClasses > limits.numClasses) {
    return fail(
      `options.numClasses must be an integer in [1, ${limits.numClasses}], got ${JSON.stringify(numClasses)}`,
    );
  }
  const imageSize = numbers(options.imageSize, 2);
  if (imageSize === null || !imageSize.every((d) => positiveInteger(d) && d <= limits.imageSize)) {
    return fail(
      `options.imageSize must be [height, width], each an integer in [1, ${limits.imageSize}], got ${JSON.stringify(options.imageSize)}`,
    );
  }
  const classNames = json.classNames;
  if (
    !Array.isArray(classNames) ||
    classNames.length !== numClasses ||
    !classNames.every((c) => typeof c === 'string')
  ) {
    return fail(`classNames must be ${numClasses} strings (one per class)`);
  }
  const normalize = json.normalize;
  if (!isObject(normalize)) return fail('normalize must be { mean, std }');
  const mean = numbers(normalize.mean, inChannels);
  const std = numbers(normalize.std, inChannels);
  if (mean === null || std === null || !std.every((s) => s > 0)) {
    return fail(`normalize must hold ${inChannels} mean(s) and ${inChannels} positive std(s)`);
  }
  const dataset = json.dataset;
  if (typeof dataset !== 'string') return fail('dataset must be a string');
  return {
    preset,
    options: { seed, inChannels, numClasses, imageSize: [imageSize[0], imageSize[1]] },
    classNames: classNames.map(String),
    normalize: { mean, std },
    dataset,
  };
}
