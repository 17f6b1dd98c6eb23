/**
 * The batch-normalised embedding preset, as a graph: one stage per width w_i, each
 *
 *   conv3x3 (no bias) w_{i-1} -> w_i pad 1, BatchNorm2d, ReLU, max pool 2
 *
 * (the side halves per stage: 28 -> 14 -> 7 -> 3 for three stages), then the head
 *
 *   flatten, linear -> hidden, ReLU, linear hidden -> D, L2 normalisation (y = x / ||x||)
 *
 * so a dot product of two outputs is their cosine similarity. The convolutions have no bias:
 * batch normalisation's shift takes its place. In evaluation each stage is one
 * Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d chain that the eval-time fusion can run as one
 * kernel (src/nn/fuse.ts), with the running statistics folded into the convolution.
 *
 * Node names: `features.<4i>` the i-th stage's conv (then its BN, ReLU and pool), `head.0` ...
 * `head.3`, `normalize`. The widths, hidden size and D come from EMBEDDING_RECIPE unless given.
 */
import type { Graph } from '../../nn/graph/graph.js';
import { graphFromSequential } from '../../nn/graph/graph-builder.js';
import { BatchNorm2d } from '../../nn/batch-norm2d.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Flatten } from '../../nn/flatten.js';
import { L2Normalize } from '../../nn/l2-normalize.js';
import { Linear } from '../../nn/linear.js';
import { MaxPool2d } from '../../nn/max-pool2d.js';
import type { Layer } from '../../nn/module.js';
import { ReLU } from '../../nn/relu.js';
import { Sequential } from '../../nn/sequential.js';
import { Rng } from '../../rng.js';
import { sizeOf } from '../../tensor.js';
import { EMBEDDING_BN_NET, EMBEDDING_RECIPE } from './embedding-recipe.js';
import type { EmbeddingNetOptions } from './embedding-net.js';

export interface EmbeddingBnNetOptions extends EmbeddingNetOptions {
  /** Output channels of each conv stage; default EMBEDDING_RECIPE.widths. */
  widths?: readonly number[];
  /** The hidden layer of the head; default EMBEDDING_RECIPE.hidden. */
  hidden?: number;
}

function checkPositive(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${EMBEDDING_BN_NET}: ${name} must be a positive integer, got ${value}`);
}

/** The preset (see the top of this file): (N,C,H,W) images -> (N,D) unit vectors. */
export function embeddingBnNet({
  dim = EMBEDDING_RECIPE.dim,
  widths = EMBEDDING_RECIPE.widths,
  hidden = EMBEDDING_RECIPE.hidden,
  seed = 0,
  inChannels = 1,
  imageSize = 28,
  dtype = 'float32',
}: EmbeddingBnNetOptions = {}): Graph {
  checkPositive(dim, 'dim');
  checkPositive(hidden, 'hidden');
  if (widths.length === 0) throw new RangeError(`${EMBEDDING_BN_NET}: widths must not be empty`);
  widths.forEach((w, i) => checkPositive(w, `widths[${i}]`));
  const [H, W] = typeof imageSize === 'number' ? [imageSize, imageSize] : imageSize;
  if (H >> widths.length < 1 || W >> widths.length < 1) {
    throw new RangeError(
      `${EMBEDDING_BN_NET}: ${H}x${W} images are too small for ${widths.length} stages of 2x2 pooling`,
    );
  }
  const rng = new Rng(seed);
  const stages: Layer[] = [];
  let channels = inChannels;
  for (const width of widths) {
    stages.push(
      new Conv2d(channels, width, 3, { padding: 1, bias: false, rng, dtype }),
      new BatchNorm2d(width, { dtype }),
      new ReLU(),
      new MaxPool2d(2),
    );
    channels = width;
  }
  const features = new Sequential(...stages);
  const flat = sizeOf(features.outputShape([1, inChannels, H, W]).slice(1));
  const head = new Sequential(
    new Flatten(),
    new Linear(flat, hidden, { rng, dtype }),
    new ReLU(),
    new Linear(hidden, dim, { rng, dtype }),
  );
  return graphFromSequential(
    Sequential.named({ features, head, normalize: new L2Normalize() }),
    [inChannels, H, W],
    {
      description: `${EMBEDDING_BN_NET}: conv-BN-ReLU-pool stages ${widths.join(', ')}, fc ${hidden}, fc ${dim}, L2 normalisation`,
    },
  );
}
