/**
 * The model graph format: a network as JSON data. A graph has named inputs (their per-example
 * shape, batch axis left out), nodes in order, each a layer type from the table (layer-table.ts)
 * with its config and the names of its inputs, and the names of its outputs:
 *
 *   { "format": "convnet-ts-graph", "version": 1,
 *     "inputs": [{ "name": "image", "shape": [1, 28, 28] }],
 *     "nodes": [
 *       { "name": "conv1", "op": "Conv2d", "config": { "inChannels": 1, "outChannels": 8, "kernelSize": 3, "padding": 1 } },
 *       { "name": "relu1", "op": "ReLU" },
 *       { "name": "skip", "op": "Add", "inputs": ["conv1", "relu1"] },
 *       ...
 *     ],
 *     "outputs": ["logits"] }
 *
 * A node's inputs default to the node before it (the first node's, to the graph's one input), so
 * a chain needs none. A node may only take graph inputs and earlier nodes, so a graph is a DAG in
 * topological order by construction. Node names are dotted paths (`features.0`): the node's
 * parameters are named `features.0.weight`, as a Sequential of Sequentials names them.
 *
 * parseGraphSpec checks a value against the schema (zod; the same schema is published as a JSON
 * Schema file for editors, see graph-json-schema.ts) and then the graph's own rules (unique
 * names, known inputs, the number of inputs each layer takes, size limits). Every problem names
 * the node, the field and what was expected:
 *
 *   my-net.json: node 'conv2' (Conv2d): config.kernelSize: expected an integer >= 1 or [height, width] of them, got 0
 *   my-net.json: node 'skip' (Add): input 'conv9' is neither a graph input nor an earlier node
 */
import { z } from 'zod';
import {
  LAYER_TYPE_NAMES,
  LAYER_TYPES,
  isLayerTypeName,
  type LayerTypeName,
} from './layer-table.js';

export const GRAPH_FORMAT = 'convnet-ts-graph';
export const GRAPH_VERSION = 1;

/** Limits that keep a hostile or mistyped file from making a reader build something huge. */
export const GRAPH_LIMITS = Object.freeze({
  nodes: 10_000,
  /** Parameter elements in all (float32: 1 GiB). */
  parameters: 1 << 28,
  /** Elements of one example of an input. */
  inputElements: 1 << 24,
});

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

const nodeName = z.string({ error: 'expected a name' }).regex(NAME_PATTERN, {
  error: "expected a name of letters, digits and '_', parts joined by '.' (e.g. features.0)",
});

const inputSchema = z.strictObject({
  name: nodeName,
  shape: z
    .array(
      z
        .number({ error: 'expected an integer >= 1' })
        .int({ error: 'expected an integer >= 1' })
        .min(1, { error: 'expected an integer >= 1' }),
      { error: 'expected the shape of one example, e.g. [1, 28, 28] (channels, height, width)' },
    )
    .min(1, { error: 'expected at least one axis' })
    .max(3, {
      error: 'expected at most 3 axes (channels, height, width): leave the batch axis out',
    }),
});

function nodeSchema(op: LayerTypeName) {
  const type = LAYER_TYPES[op];
  return z
    .strictObject({
      name: nodeName,
      op: z.literal(op),
      config: type.config.prefault({}),
      inputs: z.array(nodeName, { error: 'expected a list of node or input names' }).optional(),
    })
    .describe(`${op}: ${type.description}`);
}

const nodeSchemas = LAYER_TYPE_NAMES.map(nodeSchema);

/** The schema of a graph file, as zod checks it. */
export const graphSchema = z.strictObject({
  $schema: z.string().optional(),
  format: z.literal(GRAPH_FORMAT, { error: `expected "${GRAPH_FORMAT}"` }),
  version: z.literal(GRAPH_VERSION, {
    error: `expected ${GRAPH_VERSION} (the version this reads)`,
  }),
  description: z.string().optional(),
  inputs: z.array(inputSchema).min(1, { error: 'expected at least one input' }),
  nodes: z
    .array(z.discriminatedUnion('op', [nodeSchemas[0], ...nodeSchemas.slice(1)]))
    .min(1, { error: 'expected at least one node' })
    .max(GRAPH_LIMITS.nodes, { error: `expected at most ${GRAPH_LIMITS.nodes} nodes` }),
  outputs: z.array(nodeName).min(1, { error: 'expected at least one output' }),
});

/** A graph as a file or code writes it: defaults may be left out. */
export type GraphSpecInput = z.input<typeof graphSchema>;

/** One node of a checked graph: its config complete and its inputs named. */
export interface GraphNodeSpec {
  name: string;
  op: LayerTypeName;
  config: Record<string, unknown>;
  inputs: string[];
}

export interface GraphInputSpec {
  name: string;
  /** One example's shape: (C,H,W) for images. */
  shape: number[];
}

/** A checked graph: every config complete, every node's inputs written out. */
export interface GraphSpec {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_VERSION;
  description?: string;
  inputs: GraphInputSpec[];
  nodes: GraphNodeSpec[];
  outputs: string[];
}

/** A graph that breaks the schema or the graph's rules; `problems` lists each, located. */
export class GraphSpecError extends Error {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    const shown = problems.slice(0, 8);
    const more =
      problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
    super(shown.map((p) => `${source}: ${p}`).join('\n') + more);
    this.name = 'GraphSpecError';
    this.problems = problems;
  }
}

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** "node 'conv2' (Conv2d)" for a path into nodes[i], else the path itself. */
function where(raw: unknown, path: readonly PropertyKey[]): string {
  if (path[0] === 'nodes' && typeof path[1] === 'number') {
    const node = at(raw, path.slice(0, 2));
    const name = at(node, ['name']);
    const op = at(node, ['op']);
    const label = typeof name === 'string' ? `node '${name}'` : `nodes[${path[1]}]`;
    const typeLabel = typeof op === 'string' && isLayerTypeName(op) ? ` (${op})` : '';
    const rest = path.slice(2).map(String).join('.');
    return rest === '' ? `${label}${typeLabel}` : `${label}${typeLabel}: ${rest}`;
  }
  return path.length === 0 ? 'the graph' : path.map(String).join('.');
}

function describeIssue(raw: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path;
  if (issue.code === 'invalid_union' && path.at(-1) === 'op') {
    const op = at(raw, path);
    return `${where(raw, path.slice(0, -1))}: unknown layer type ${shown(op)} (known: ${LAYER_TYPE_NAMES.join(', ')})`;
  }
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(knownKeys(raw, path));
    const suffix = known.length > 0 ? ` (known: ${known.join(', ')})` : '';
    return `${where(raw, path)}: unknown key(s) ${issue.keys.join(', ')}${suffix}`;
  }
  return `${where(raw, path)}: ${issue.message}, got ${shown(at(raw, path))}`;
}

/** The keys a config (or the graph, or an input) accepts, for an unknown-key message. */
function knownKeys(raw: unknown, path: readonly PropertyKey[]): Record<string, unknown> {
  if (path.length === 0) return graphSchema.shape;
  if (path[0] === 'nodes' && path.length === 3 && path[2] === 'config') {
    const op = at(raw, [...path.slice(0, 2), 'op']);
    if (typeof op === 'string' && isLayerTypeName(op)) return LAYER_TYPES[op].config.shape;
  }
  if (path[0] === 'nodes' && path.length === 2) return { name: 0, op: 0, config: 0, inputs: 0 };
  if (path[0] === 'inputs' && path.length === 2) return inputSchema.shape;
  return {};
}

/** The graph's own rules, beyond the schema; the problems found. */
function graphProblems(spec: GraphSpec): string[] {
  const problems: string[] = [];
  const defined = new Set<string>();
  const inputNames = new Set(spec.inputs.map((i) => i.name));
  for (const input of spec.inputs) {
    const elements = input.shape.reduce((a, b) => a * b, 1);
    if (elements > GRAPH_LIMITS.inputElements) {
      problems.push(
        `input '${input.name}': shape [${input.shape}] has ${elements} elements, at most ${GRAPH_LIMITS.inputElements}`,
      );
    }
    if (defined.has(input.name)) problems.push(`input '${input.name}' is named twice`);
    defined.add(input.name);
  }
  let parameters = 0;
  for (const node of spec.nodes) {
    const label = `node '${node.name}' (${node.op})`;
    if (defined.has(node.name)) problems.push(`${label}: the name '${node.name}' is already used`);
    for (const input of node.inputs) {
      if (!defined.has(input)) {
        problems.push(`${label}: input '${input}' is neither a graph input nor an earlier node`);
      }
    }
    const arity = LAYER_TYPES[node.op].inputs;
    if (arity === 'one' && node.inputs.length !== 1) {
      problems.push(
        `${label}: takes 1 input, got ${node.inputs.length} (${node.inputs.join(', ')})`,
      );
    }
    if (arity === 'many' && node.inputs.length < 2) {
      problems.push(`${label}: takes 2 or more inputs, got ${node.inputs.length}`);
    }
    defined.add(node.name);
    parameters += LAYER_TYPES[node.op].parameters(node.config);
  }
  const names = [...defined].filter((n) => !inputNames.has(n));
  for (const name of names) {
    const parent = names.find((other) => name.startsWith(`${other}.`));
    if (parent !== undefined) {
      problems.push(
        `node '${name}': its name nests under node '${parent}' (a layer cannot hold other nodes)`,
      );
    }
  }
  for (const output of spec.outputs) {
    if (!defined.has(output) || inputNames.has(output)) {
      problems.push(`outputs: '${output}' is not a node`);
    }
  }
  if (parameters > GRAPH_LIMITS.parameters) {
    problems.push(`the graph has ${parameters} parameters, at most ${GRAPH_LIMITS.parameters}`);
  }
  return problems;
}

/**
 * Checks a graph given as JSON data (or built in code) and completes it: every config with its
 * defaults, every node's inputs written out. Throws a GraphSpecError listing every problem.
 *
 * @param source names the graph in errors: a file path, or 'graph' by default.
 */
export function parseGraphSpec(value: unknown, source = 'graph'): GraphSpec {
  const result = graphSchema.safeParse(value);
  if (!result.success) {
    throw new GraphSpecError(
      source,
      result.error.issues.map((issue) => describeIssue(value, issue)),
    );
  }
  const parsed = result.data;
  const first = parsed.inputs[0].name;
  const problems: string[] = [];
  const nodes = parsed.nodes.map((node, i): GraphNodeSpec => {
    let inputs = node.inputs;
    if (inputs === undefined) {
      if (i === 0 && parsed.inputs.length > 1) {
        problems.push(
          `node '${node.name}' (${node.op}): the graph has several inputs: name this node's`,
        );
      }
      inputs = [i === 0 ? first : parsed.nodes[i - 1].name];
    }
    return { name: node.name, op: node.op, config: node.config, inputs };
  });
  const spec: GraphSpec = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    ...(parsed.description === undefined ? {} : { description: parsed.description }),
    inputs: parsed.inputs,
    nodes,
    outputs: parsed.outputs,
  };
  problems.push(...graphProblems(spec));
  if (problems.length > 0) throw new GraphSpecError(source, problems);
  return spec;
}
