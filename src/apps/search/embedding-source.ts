/**
 * What `convnet train --task embedding --model` names: an embedding preset (`embedding-bn-net`,
 * the recipe's, or `embedding-net`, the seed net's trunk; either's size D comes from --dim, else
 * the recipe's) or a graph file (docs/graphs.md) describing any network with an embedding head.
 * A graph file must take the dataset's images through its one input and give (N, D) unit
 * vectors through its one output, so its last node is an L2Normalize: search scores by dot
 * product, which is the cosine similarity only for unit vectors.
 */
import { Graph } from '../../nn/graph/graph.js';
import { modelName, readGraphFile } from '../../train/model-source.js';
import { embeddingBnNet } from './embedding-bn-net.js';
import {
  EMBEDDING_NET,
  embeddingDim,
  embeddingNet,
  type EmbeddingNetOptions,
} from './embedding-net.js';
import { EMBEDDING_BN_NET, EMBEDDING_RECIPE } from './embedding-recipe.js';

/** The embedding presets by name, the recipe's first: each builds (N,C,H,W) -> (N,D) unit vectors. */
const PRESET_BUILDERS: Readonly<Record<string, (options: EmbeddingNetOptions) => Graph>> = {
  [EMBEDDING_BN_NET]: embeddingBnNet,
  [EMBEDDING_NET]: embeddingNet,
};

/** The embedding presets' names, the recipe's first. */
export const EMBEDDING_PRESETS: readonly string[] = Object.keys(PRESET_BUILDERS);

/** Whether `model` names an embedding preset rather than a graph file. */
export function isEmbeddingPreset(model: string): boolean {
  return Object.hasOwn(PRESET_BUILDERS, model);
}

export interface EmbeddingSource {
  /** The model spec's name: the preset's, or the graph file's name without its extension. */
  name: string;
  /** Builds the model with fresh weights (call it inside residentTensors). */
  build: () => Graph;
}

/** Reads and checks what `model` names, for images of shape [C, H, W]. */
export async function embeddingSourceFor(
  model: string,
  [C, H, W]: readonly [number, number, number],
  { dim, seed }: { dim: number | null; seed: number },
): Promise<EmbeddingSource> {
  if (isEmbeddingPreset(model)) {
    const preset = PRESET_BUILDERS[model];
    const D = dim ?? EMBEDDING_RECIPE.dim;
    return { name: model, build: () => preset({ seed, inChannels: C, imageSize: [H, W], dim: D }) };
  }
  const spec = await readGraphFile(model);
  if (spec.inputs.length !== 1 || spec.outputs.length !== 1) {
    throw new Error(
      `${model}: an embedding model has one input and one output; the graph has ${spec.inputs.length} and ${spec.outputs.length}`,
    );
  }
  const [input] = spec.inputs;
  if (input.shape.join('x') !== [C, H, W].join('x')) {
    throw new Error(
      `${model}: input '${input.name}' takes ${input.shape.join('x')} images, the dataset's are ${C}x${H}x${W} (set the input's shape to [${C}, ${H}, ${W}])`,
    );
  }
  const build = (): Graph => Graph.fromSpec(spec, { source: model, seed });
  const graph = build();
  const [output] = spec.outputs;
  const last = graph.node(output);
  if (last.op !== 'L2Normalize') {
    throw new Error(
      `${model}: output '${output}' is a ${last.op} node; an embedding model's output must be an L2Normalize node (unit vectors, so that a dot product is a cosine similarity): add {"name": "normalize", "op": "L2Normalize"} after it`,
    );
  }
  const D = embeddingDim(graph);
  if (dim !== null && dim !== D) {
    throw new Error(
      `${model}: --dim ${dim} was given, but the graph's output '${output}' is ${D}-d`,
    );
  }
  return { name: modelName(model), build };
}
