/**
 * The embedding preset, as a graph: the seed net's trunk with a D-dimensional linear head whose
 * output is L2-normalised, so that the dot product of two embeddings is their cosine similarity.
 *
 *   features   conv3x3 C->32 pad 1, ReLU, max pool 2, conv3x3 32->64 pad 1, ReLU, max pool 2
 *   head       flatten, linear 3136->128, ReLU, linear 128->D        (the seed net's classifier)
 *   normalize  y = x / ||x||  along the embedding axis                 (nn.L2Normalize)
 *
 * Node names are the seed net's with `classifier` renamed `head` (features.0, head.1, ...), so
 * the trunk of a trained seed-net classifier loads into it. The graph goes into an ordinary
 * model file (task 'embedding'); any graph whose one output is (N, D) can serve as well.
 *
 * hiddenLayerOf cuts a classifier graph before its last Linear node: the "classifier hidden
 * layer" baseline of retrieval (the seed net's 128-d hidden ReLU).
 */
import { Graph } from '../../nn/graph/graph.js';
import { graphFromSequential } from '../../nn/graph/graph-builder.js';
import { L2Normalize } from '../../nn/l2-normalize.js';
import { seedNet, type PresetOptions } from '../../nn/presets.js';
import { Sequential } from '../../nn/sequential.js';

export const EMBEDDING_NET = 'embedding-net';

export interface EmbeddingNetOptions extends Omit<PresetOptions, 'numClasses'> {
  /** D, the embedding's size; default 64. */
  dim?: number;
}

/** The embedding preset (see the top of this file): (N,C,H,W) images -> (N,D) unit vectors. */
export function embeddingNet({ dim = 64, ...options }: EmbeddingNetOptions = {}): Graph {
  if (!Number.isSafeInteger(dim) || dim < 1)
    throw new RangeError(`embeddingNet: dim must be a positive integer, got ${dim}`);
  const { inChannels = 1, imageSize = 28 } = options;
  const [H, W] = typeof imageSize === 'number' ? [imageSize, imageSize] : imageSize;
  const [features, head] = [...seedNet({ ...options, numClasses: dim })];
  return graphFromSequential(
    Sequential.named({ features, head, normalize: new L2Normalize() }),
    [inChannels, H, W],
    { description: `${EMBEDDING_NET}: the seed net's trunk, fc 128, fc ${dim}, L2 normalisation` },
  );
}

/** The (N, D) size D of a one-output graph's output. */
export function embeddingDim(model: Graph): number {
  const shape = model.outputShape([1, ...model.inputs[0].shape]);
  if (shape.length !== 2) {
    throw new RangeError(
      `the model's output is (${shape.join(',')}) per batch; an embedding model gives (N, D)`,
    );
  }
  return shape[1];
}

/**
 * The graph of a classifier's nodes up to the input of its last Linear node (the seed net's
 * 128-d hidden ReLU), sharing the classifier's layers: a one-output graph of the nodes that
 * value depends on.
 */
export function hiddenLayerOf(model: Graph): Graph {
  const nodes = model.nodes();
  const last = nodes[nodes.length - 1];
  if (last.op !== 'Linear' || last.inputs.length !== 1 || model.inputs.length !== 1) {
    throw new RangeError(
      `hiddenLayerOf: the classifier must have one input and end in a Linear node (its last node '${last.name}' is a ${last.op})`,
    );
  }
  const cut = last.inputs[0];
  const needed = new Set([cut]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (needed.has(nodes[i].name)) for (const input of nodes[i].inputs) needed.add(input);
  }
  const kept = nodes.filter((n) => needed.has(n.name));
  const spec = model.spec();
  return new Graph(
    {
      ...spec,
      nodes: spec.nodes.filter((n) => needed.has(n.name)),
      outputs: [cut],
    },
    kept.map((n) => n.layer),
  );
}
