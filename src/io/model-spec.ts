/**
 * The model spec: what a model file and a checkpoint say about their model, so that anything
 * that reads them (eval, predict, visualize, the playground, ONNX export) rebuilds it without
 * the command line that trained it. One spec for both, as JSON:
 *
 *   { "format": "convnet-ts model", "version": 2,
 *     "name": "seed-net",                          the preset's name, or the graph file's
 *     "task": "classification",                    what its outputs mean (MODEL_TASKS)
 *     "seed": 0,                                   the initial weights' seed
 *     "classNames": ["0", "1", ...],               one per output, in order
 *     "normalize": { "mean": [0.13], "std": [0.31] },   per input channel, for pixels in [0,1]
 *     "dataset": "mnist",                          what it was trained on (or null)
 *     "graph": { "format": "convnet-ts-graph", ... } }   the architecture (src/nn/graph/)
 *
 * Files written before graphs existed name a preset instead of holding a graph (version 1:
 * `"preset": "seed-net", "options": {...}`); they still load, the preset's graph built from the
 * preset table (legacy-model-spec.ts).
 */
import { z } from 'zod';
import { Graph } from '../nn/graph/graph.js';
import { GraphSpecError, parseGraphSpec, type GraphSpec } from '../nn/graph/graph-spec.js';
import { parseJson, type JsonObject, type JsonValue } from './json.js';
import { legacyModelSpec, type PresetModelSpec } from './legacy-model-spec.js';

export type { PresetModelSpec } from './legacy-model-spec.js';

export const MODEL_SPEC_FORMAT = 'convnet-ts model';
export const MODEL_SPEC_VERSION = 2;

/** Pixels in [0,1] become (x - mean[c]) / std[c] before the model sees them. */
export interface ModelNormalize {
  mean: readonly number[];
  std: readonly number[];
}

/**
 * What a model's outputs mean, which decides how it is trained, evaluated and used:
 *
 *   classification  one output (N, K): a score per class (classNames has K names)
 *   embedding       one output (N, D): a vector per image (classNames: the training labels)
 *   detection       heads over a grid of the image (classNames: the object classes)
 *   segmentation    one output (N, K, H, W): a score per class per pixel
 */
export const MODEL_TASKS = ['classification', 'embedding', 'detection', 'segmentation'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export interface ModelSpec {
  /** The preset's name, or the graph file's ('my-net'): titles and file names use it. */
  name: string;
  task: ModelTask;
  graph: GraphSpec;
  seed: number;
  /** One per output class. */
  classNames: string[];
  normalize: ModelNormalize;
  /** 'mnist', 'fashion-mnist', an image folder's path; null when not known. */
  dataset: string | null;
}

/** A spec as code gives it: everything but the graph may be left out. */
export interface ModelSpecInput {
  name?: string;
  /** Default 'classification'. */
  task?: ModelTask;
  /** A checked graph or graph JSON data. */
  graph: unknown;
  seed?: number;
  classNames?: readonly string[];
  normalize?: { mean: readonly number[]; std: readonly number[] };
  dataset?: string | null;
}

/** A spec that is not valid; the message names the source and the field. */
export class ModelSpecError extends Error {
  readonly problem: string;

  constructor(source: string, problem: string, options?: ErrorOptions) {
    super(`${source}: ${problem}`, options);
    this.name = 'ModelSpecError';
    this.problem = problem;
  }
}

const finite = z.number().refine(Number.isFinite, { error: 'expected a finite number' });

const specSchema = z.strictObject({
  format: z.literal(MODEL_SPEC_FORMAT, { error: `expected "${MODEL_SPEC_FORMAT}"` }).optional(),
  version: z.literal(MODEL_SPEC_VERSION, { error: `expected ${MODEL_SPEC_VERSION}` }).optional(),
  name: z.string().min(1, { error: 'expected a non-empty name' }).max(200).optional(),
  task: z.enum(MODEL_TASKS, { error: `expected one of ${MODEL_TASKS.join(', ')}` }).optional(),
  seed: z
    .number()
    .int({ error: 'expected an integer' })
    .refine(Number.isSafeInteger, { error: 'expected a safe integer' })
    .optional(),
  classNames: z
    .array(z.string({ error: 'expected a string' }))
    .max(100_000)
    .optional(),
  normalize: z
    .strictObject({
      mean: z.array(finite).min(1),
      std: z.array(finite.refine((s) => s > 0, { error: 'expected a positive number' })).min(1),
    })
    .optional(),
  dataset: z.string().min(1, { error: 'expected a non-empty string' }).nullable().optional(),
  graph: z.unknown(),
});

function issueText(value: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  let at: unknown = value;
  for (const key of issue.path)
    at = typeof at === 'object' && at !== null ? Reflect.get(at, key) : undefined;
  const got = at === undefined ? 'nothing' : JSON.stringify(at)?.slice(0, 60);
  if (issue.code === 'unrecognized_keys') {
    return `${path === '' ? 'the spec' : path}: unknown key(s) ${issue.keys.join(', ')} (known: ${Object.keys(specSchema.shape).join(', ')})`;
  }
  return `${path === '' ? 'the spec' : path}: ${issue.message}, got ${got}`;
}

/** The number of outputs of a one-output graph whose output is (N, K); null otherwise. */
export function classCount(graph: Graph): number | null {
  if (graph.outputs.length !== 1) return null;
  const shape = graph.shapes().get(graph.outputs[0]) ?? [];
  return shape.length === 2 ? shape[1] : null;
}

export interface ModelInput {
  inChannels: number;
  imageSize: [number, number];
}

function graphInput(graph: GraphSpec): ModelInput {
  const shape = graph.inputs[0].shape;
  const [C, H, W] = shape.length === 3 ? shape : [1, shape[0], shape[1] ?? 1];
  return { inChannels: C, imageSize: [H, W] };
}

/** The spec's model input: channels and [height, width] of its (first) graph input. */
export function modelInput(spec: ModelSpec): ModelInput {
  return graphInput(spec.graph);
}

/**
 * Checks a spec and fills in what was left out: seed 0, class names '0'..'K-1', the identity
 * normalisation, no dataset, the name 'model'. A version-1 spec that names a preset is taken
 * too (legacy-model-spec.ts). Throws a ModelSpecError naming the field.
 */
export function completeModelSpec(
  input: ModelSpecInput | PresetModelSpec | JsonValue,
  source = 'model spec',
): ModelSpec {
  if (typeof input === 'object' && input !== null && !Array.isArray(input) && 'preset' in input) {
    return legacyModelSpec(input, source);
  }
  const result = specSchema.safeParse(input);
  if (!result.success) {
    throw new ModelSpecError(
      source,
      result.error.issues.map((i) => issueText(input, i)).join('; '),
    );
  }
  const given = result.data;
  let graph: GraphSpec;
  try {
    graph = parseGraphSpec(given.graph, 'graph');
  } catch (error) {
    if (!(error instanceof GraphSpecError)) throw error;
    throw new ModelSpecError(source, error.problems.map((p) => `graph: ${p}`).join('; '), {
      cause: error,
    });
  }
  const channels = graphInput(graph).inChannels;
  const normalize = given.normalize ?? {
    mean: new Array<number>(channels).fill(0),
    std: new Array<number>(channels).fill(1),
  };
  if (normalize.mean.length !== channels || normalize.std.length !== channels) {
    throw new ModelSpecError(
      source,
      `normalize must hold ${channels} mean(s) and std(s), one per input channel, got ${normalize.mean.length} and ${normalize.std.length}`,
    );
  }
  const task = given.task ?? 'classification';
  let classNames = given.classNames;
  if (classNames === undefined && task !== 'classification') classNames = [];
  if (classNames === undefined) {
    const K = classCount(Graph.fromSpec(graph));
    classNames = K === null ? [] : Array.from({ length: K }, (_, k) => String(k));
  }
  return {
    name: given.name ?? 'model',
    task,
    graph,
    seed: given.seed ?? 0,
    classNames: [...classNames],
    normalize: { mean: [...normalize.mean], std: [...normalize.std] },
    dataset: given.dataset ?? null,
  };
}

/** The spec as JSON data, with its format and version. */
export function modelSpecToJson(spec: ModelSpec): JsonObject {
  return {
    format: MODEL_SPEC_FORMAT,
    version: MODEL_SPEC_VERSION,
    name: spec.name,
    task: spec.task,
    seed: spec.seed,
    classNames: [...spec.classNames],
    normalize: { mean: [...spec.normalize.mean], std: [...spec.normalize.std] },
    dataset: spec.dataset,
    graph: parseJson(JSON.stringify(spec.graph)),
  };
}

/**
 * Builds the spec's model (initial weights from its seed; load the weights next). A classifier's
 * class names must match its outputs.
 */
export function buildModel(spec: ModelSpec, source = 'model spec'): Graph {
  const graph = Graph.fromSpec(spec.graph, { seed: spec.seed, source: `${source}: graph` });
  const K = spec.task === 'classification' ? classCount(graph) : null;
  if (K !== null && spec.classNames.length !== 0 && spec.classNames.length !== K) {
    throw new ModelSpecError(
      source,
      `classNames has ${spec.classNames.length} names, but the model has ${K} outputs`,
    );
  }
  return graph;
}
