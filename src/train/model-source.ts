/**
 * What `--model` names when a run starts: a preset from the table, or a graph file (JSON, see
 * src/nn/graph/graph-spec.ts) describing any network built from the library's layers. Either
 * way the run gets a graph, which its checkpoints and model file then carry, so a run never
 * needs the graph file again (resume, eval, predict read the checkpoint).
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { classCount } from '../io/model-spec.js';
import { JsonParseError, parseJson } from '../io/json.js';
import { Graph } from '../nn/graph/graph.js';
import { parseGraphSpec, type GraphSpec } from '../nn/graph/graph-spec.js';
import { PRESET_NAMES, isPresetName, presetGraph } from '../nn/preset-table.js';

/** Whether --model names a graph file (anything that is not a preset name). */
export function isGraphFile(model: string): boolean {
  return !isPresetName(model);
}

/** The model's name: the preset's, or the graph file's without its extension ('my-net'). */
export function modelName(model: string): string {
  return isPresetName(model) ? model : basename(model, extname(model));
}

/** Reads and checks a graph file; errors name the file, the node and the field. */
export async function readGraphFile(path: string): Promise<GraphSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    throw new Error(
      code === 'ENOENT'
        ? `--model '${path}' is neither a preset (${PRESET_NAMES.join(', ')}) nor a graph file that exists`
        : `cannot read the graph file ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  try {
    return parseGraphSpec(parseJson(text), path);
  } catch (error) {
    if (!(error instanceof JsonParseError)) throw error;
    throw new Error(`${path}: not valid JSON: ${error.message}`, { cause: error });
  }
}

/**
 * The graph of a run's model for images of shape [C, H, W] and `numClasses` classes: the
 * preset's, built for them, or the graph file's, checked to take them and give one score per
 * class (an error naming the file, the input or the output otherwise).
 */
export async function graphFor(
  model: string,
  [C, H, W]: readonly [number, number, number],
  numClasses: number,
): Promise<GraphSpec> {
  if (isPresetName(model)) {
    return presetGraph(model, { inChannels: C, numClasses, imageSize: [H, W] });
  }
  const graph = await readGraphFile(model);
  if (graph.inputs.length !== 1) {
    throw new Error(`${model}: a classifier takes one input, the graph has ${graph.inputs.length}`);
  }
  const [input] = graph.inputs;
  if (input.shape.join('x') !== [C, H, W].join('x')) {
    throw new Error(
      `${model}: input '${input.name}' takes ${input.shape.join('x')} images, the dataset's are ${C}x${H}x${W} (set the input's shape to [${C}, ${H}, ${W}], or --channels / --image-size for an image folder)`,
    );
  }
  const K = classCount(Graph.fromSpec(graph, { source: model }));
  if (K !== numClasses) {
    const output = graph.outputs.join(', ');
    throw new Error(
      `${model}: a classifier's output must be (N, ${numClasses}), one score per class; output '${output}' is ${K === null ? 'not (N, K)' : `(N, ${K})`}`,
    );
  }
  return graph;
}
