/**
 * What a model gives similar-image search: an embedding model (task 'embedding', the graph of
 * embedding-net.ts or any one-output (N, D) graph) embeds as it is; a classifier (task
 * 'classification') embeds with its hidden layer (hiddenLayerOf: the input of its last Linear
 * node, the seed net's 128-d hidden ReLU). Either way search compares the vectors by cosine
 * similarity: an embedding model's are unit vectors already, a hidden layer's are normalised
 * before the dot product (normalizeRows). Detection and segmentation models are refused, naming
 * their task. Browser-safe: the playground's search panel and the CLI share it.
 */
import type { ModelTask } from '../../io/model-spec.js';
import type { Graph } from '../../nn/graph/graph.js';
import { embeddingDim, hiddenLayerOf } from './embedding-net.js';

export type EmbedderKind = 'embedding' | 'hidden-layer';

export interface Embedder {
  /** (N, C, H, W) images -> (N, D) vectors; shares the model's layers. */
  model: Graph;
  dim: number;
  kind: EmbedderKind;
  /** E.g. 'embedding 64-d' or 'hidden layer 128-d', for titles. */
  description: string;
}

/** The embedder of a model of the given task (see the top of this file); `source` names it in errors. */
export function embedderOf(task: ModelTask, model: Graph, source = 'the model'): Embedder {
  if (task === 'embedding') {
    const dim = embeddingDim(model);
    return { model, dim, kind: 'embedding', description: `embedding ${dim}-d` };
  }
  if (task === 'classification') {
    const hidden = hiddenLayerOf(model);
    const dim = embeddingDim(hidden);
    return { model: hidden, dim, kind: 'hidden-layer', description: `hidden layer ${dim}-d` };
  }
  throw new RangeError(
    `${source} is a ${task} model: similar-image search takes an embedding model (convnet train --task embedding) or a classifier, whose hidden layer it uses`,
  );
}
