/**
 * The embedding preset: the seed net's trunk with a D-dimensional linear head whose output is
 * L2-normalised, so that the dot product of two embeddings is their cosine similarity.
 *
 *   features  conv3x3 C->32 pad 1, ReLU, max pool 2, conv3x3 32->64 pad 1, ReLU, max pool 2
 *   head      flatten, linear 3136->128, ReLU, linear 128->D       (the seed net's classifier)
 *   normalize y = x / ||x||  along the embedding axis
 *
 * Parameter names are the seed net's with `classifier` renamed `head`, so the trunk of a trained
 * seed-net classifier loads into it (features.*, head.1.*). Built from the library's layers
 * only; the model graph (src/nn/preset-table.ts) can register it as preset 'embedding-net'.
 */
import { seedNet, type PresetOptions } from '../../nn/presets.js';
import { Layer } from '../../nn/module.js';
import { Sequential } from '../../nn/sequential.js';
import { l2Normalize } from '../../ops/index.js';
import type { Shape, Tensor } from '../../tensor.js';

/** L2 normalisation of each row (the l2Normalize op, axis 1) as a layer. */
export class L2Normalize extends Layer {
  forward(x: Tensor): Tensor {
    return l2Normalize(x, { axis: 1 });
  }

  outputShape(inputShape: Shape): Shape {
    return inputShape;
  }
}

export interface EmbeddingNetOptions extends Omit<PresetOptions, 'numClasses'> {
  /** D, the embedding's size; default 64. */
  dim?: number;
}

/** The embedding preset (see the top of this file): (N,C,H,W) images -> (N,D) unit vectors. */
export function embeddingNet({ dim = 64, ...options }: EmbeddingNetOptions = {}): Sequential {
  if (!Number.isSafeInteger(dim) || dim < 1)
    throw new RangeError(`embeddingNet: dim must be a positive integer, got ${dim}`);
  const [features, head] = [...seedNet({ ...options, numClasses: dim })];
  return Sequential.named({ features, head, normalize: new L2Normalize() });
}

/** The index of the seed net's 128-d hidden activation (after ReLU) inside its classifier/head. */
export const SEED_NET_HIDDEN_LAYERS = 3;

/**
 * A seed-net classifier (or this embedding net) cut after its 128-d hidden ReLU: the
 * "classifier hidden layer" baseline of retrieval, sharing the model's layers.
 */
export function hiddenLayerOf(model: Sequential): Sequential {
  const [features, head] = [...model];
  if (!(head instanceof Sequential) || head.length < SEED_NET_HIDDEN_LAYERS) {
    throw new RangeError(
      'hiddenLayerOf: the model must be a seed net: a Sequential of features and a head of at least flatten, linear, ReLU',
    );
  }
  return new Sequential(features, new Sequential(...[...head].slice(0, SEED_NET_HIDDEN_LAYERS)));
}
