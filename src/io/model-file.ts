/**
 * A model in one file: a safetensors file whose tensors are a model's stateDict and whose
 * "__metadata__" says how to rebuild the model,
 *
 *   { "format": "convnet-ts-model",
 *     "spec": "{\"format\":\"convnet-ts model\",\"version\":2,\"name\":\"seed-net\",\"graph\":{...},...}" }
 *
 * The spec (src/io/model-spec.ts) is JSON inside a string (safetensors metadata values are
 * strings): the model's graph, the seed, class names, input normalisation and dataset. Files
 * written before graphs existed hold a version-1 spec that names a preset; they still load.
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
 *   const bytes = encodeModelFile(spec, model);
 *   const { spec, model } = modelFromFile(bytes, { source: 'digits.safetensors' });
 */
import { residentTensors } from '../kernels/backend.js';
import { Graph } from '../nn/graph/graph.js';
import { GraphSpecError } from '../nn/graph/graph-spec.js';
import type { Module, StateDict } from '../nn/module.js';
import { ShapeError } from '../shape/shape-error.js';
import type { Tensor } from '../tensor.js';
import { nonFiniteTensorProblem } from './finite-tensors.js';
import { JsonParseError, parseJson, type JsonValue } from './json.js';
import {
  ModelSpecError,
  buildModel,
  completeModelSpec,
  modelSpecToJson,
  type ModelSpec,
  type ModelSpecInput,
  type PresetModelSpec,
} from './model-spec.js';
import { decodeSafetensors, encodeSafetensors, type DecodedSafetensors } from './safetensors.js';
import { sha256Hex } from './sha256.js';

/** The "format" value in the metadata of every model file. */
export const MODEL_FILE_FORMAT = 'convnet-ts-model';

/** The model file a training run (and `convnet import`) leaves in its directory. */
export const MODEL_FILE_NAME = 'model.safetensors';

/** The "__metadata__" keys of a model file. */
const METADATA_KEYS = ['format', 'spec', 'sha256'];

export interface DecodedModelFile {
  spec: ModelSpec;
  /** The weights, by the model's parameter and buffer names. */
  tensors: Map<string, Tensor>;
  /** The SHA-256 digest, checked; null for a file written before digests (not checked). */
  digest: string | null;
}

export interface LoadedModelFile {
  spec: ModelSpec;
  /** The model with the file's weights, in evaluation mode. */
  model: Graph;
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

/** The spec checked, or a ModelFileError naming the source and the field. */
function checkedSpec(
  spec: ModelSpecInput | PresetModelSpec | JsonValue,
  source: string,
  prefix = '',
): ModelSpec {
  try {
    return completeModelSpec(spec, source);
  } catch (error) {
    if (!(error instanceof ModelSpecError)) throw error;
    throw new ModelFileError(source, `${prefix}${error.problem}`, { cause: error });
  }
}

/** The spec's model with its initial weights, or a ModelFileError naming the source. */
function checkedModel(spec: ModelSpec, source: string): Graph {
  try {
    return buildModel(spec, `${source}: spec`);
  } catch (error) {
    if (!(error instanceof RangeError || error instanceof ModelSpecError)) throw error;
    throw new ModelFileError(source, error.message.replace(`${source}: `, ''), { cause: error });
  }
}

/** What encodeModelFile takes: a spec, whose graph defaults to the model's own. */
export type ModelFileSpecInput =
  (Omit<ModelSpecInput, 'graph'> & { graph?: unknown }) | PresetModelSpec;

/**
 * The model file of a model: its stateDict as float32 tensors and the spec (defaults filled in)
 * in the metadata. The spec's graph defaults to the model's (a Graph's spec()); the model's
 * parameter and buffer names and shapes must be the graph's, else a ModelFileError.
 */
export function encodeModelFile(
  spec: ModelFileSpecInput | ModelSpec,
  model: Graph | Module<never, unknown>,
): Uint8Array {
  const where = 'encodeModelFile';
  let complete: ModelSpec;
  if ('preset' in spec) {
    complete = checkedSpec(spec, where);
  } else {
    const graph = spec.graph ?? (model instanceof Graph ? model.spec() : undefined);
    if (graph === undefined) {
      throw new ModelFileError(where, 'the spec has no graph and the model is not a Graph');
    }
    complete = checkedSpec({ ...spec, graph }, where);
  }
  const state: StateDict = model.stateDict();
  try {
    checkedModel(complete, where).loadStateDict(state);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new ModelFileError(where, `the model does not fit the spec's graph: ${error.message}`, {
      cause: error,
    });
  }
  const nonFinite = nonFiniteTensorProblem(state);
  if (nonFinite !== null) {
    throw new ModelFileError(
      where,
      `${nonFinite}: a model file holds finite weights only (the model has diverged?)`,
    );
  }
  const metadata = { format: MODEL_FILE_FORMAT, spec: JSON.stringify(modelSpecToJson(complete)) };
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
  const fail = (problem: string): never => {
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
  const spec = checkedSpec(json, source, 'spec: ');
  const nonFinite = nonFiniteTensorProblem(tensors);
  if (nonFinite !== null) return fail(nonFinite);
  return { spec, tensors, digest: recorded ?? null };
}

/** Rebuilds a model file's model: the spec's graph with the file's weights, in eval mode. */
export function modelFromFile(
  bytes: Uint8Array,
  { source = 'model file', resident = false }: ModelFromFileOptions = {},
): LoadedModelFile {
  const { spec, tensors, digest } = decodeModelFile(bytes, { source });
  const build = () => checkedModel(spec, source);
  const model = resident ? residentTensors(build) : build();
  try {
    model.loadStateDict(tensors);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new ModelFileError(source, `the weights do not fit the spec's graph: ${error.message}`, {
      cause: error,
    });
  }
  model.eval();
  return { spec, model, digest };
}
