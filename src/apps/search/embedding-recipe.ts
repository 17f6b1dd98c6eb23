/**
 * The embedding recipe: the model, loss and schedule that `convnet train --task embedding` uses
 * wherever an option is not given, measured on Fashion-MNIST (docs/search.md, "The recipe").
 *
 * - embedding-bn-net (embedding-bn-net.ts) with two conv-BN-ReLU-pool stages of 32 and 64
 *   channels: the seed net's convolutions with batch normalisation after each. In evaluation
 *   each stage is Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d, which the eval-time fusion runs as
 *   one kernel with the running statistics folded into the convolution (src/nn/fuse.ts), so it
 *   embeds as fast as the seed net's trunk; in training the batch norm and its ReLU run as one op.
 * - ArcFace, margin 0.2 rad, scale 16, over 64-d unit vectors; Adam under the one-cycle schedule
 *   peaking at 3e-3, batches of 128, 12 epochs (10,000 test queries against the 60,000 training
 *   images: P@1 0.923, MAP@R 0.890).
 * - no augmentation: on Fashion-MNIST, random crops (2 pixels of padding) and flips cost P@1 and
 *   MAP@R in 4-epoch screens (three 16-32-64 stages: P@1 0.885 with crops and flips, 0.896 with
 *   flips, 0.899 without).
 */
export const EMBEDDING_BN_NET = 'embedding-bn-net';

export const EMBEDDING_RECIPE = {
  model: EMBEDDING_BN_NET,
  /** Output channels of each conv-BN-ReLU-pool stage. */
  widths: [32, 64] as readonly number[],
  /** The head's hidden layer. */
  hidden: 128,
  /** D, the embedding's size. */
  dim: 64,
  /** ArcFace's angular margin (radians) and scale. */
  margin: 0.2,
  scale: 16,
  epochs: 12,
  batchSize: 128,
  /** The one-cycle schedule's peak. */
  lr: 3e-3,
};
