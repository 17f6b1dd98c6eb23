/**
 * The embedding recipe: the model, loss and schedule that `convnet train --task embedding` uses
 * wherever an option is not given, measured on Fashion-MNIST (docs/search.md, "The recipe").
 *
 * - embedding-bn-net (embedding-bn-net.ts) with two conv-BN-ReLU-pool stages of 16 and 64
 *   channels. In evaluation each stage is Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d, which the
 *   eval-time fusion runs as one kernel with the running statistics folded into the convolution
 *   (src/nn/fuse.ts); in training the batch norm and its ReLU run as one op. A first stage of 16
 *   rather than the seed net's 32 halves the second convolution's reduction and embeds about 1.5x
 *   faster (12,655 against 8,223 images/s, alternating in one process), for about the same
 *   retrieval once flips are added (below).
 * - ArcFace, margin 0.2 rad, scale 16, over 64-d unit vectors; Adam under the one-cycle schedule
 *   peaking at 3e-3, batches of 128, 16 epochs (10,000 test queries against the 60,000 training
 *   images: P@1 0.921, MAP@R 0.878).
 * - horizontal flips alone, except on the MNIST digits: without them the 16-64 trunk stopped at
 *   P@1 0.918 (12 epochs) and 0.917 (16), the 32-64 one at 0.923 (12); random crops cost P@1 on
 *   Fashion-MNIST, whose items are centred (4-epoch screens of a 16-32-64 trunk: 0.885 with crops
 *   and flips, 0.896 with flips, 0.899 without).
 */
export const EMBEDDING_BN_NET = 'embedding-bn-net';

export const EMBEDDING_RECIPE = {
  model: EMBEDDING_BN_NET,
  /** Output channels of each conv-BN-ReLU-pool stage. */
  widths: [16, 64] as readonly number[],
  /** The head's hidden layer. */
  hidden: 128,
  /** D, the embedding's size. */
  dim: 64,
  /** ArcFace's angular margin (radians) and scale. */
  margin: 0.2,
  scale: 16,
  /** Mirror each training image left-right with probability 1/2 (not on the MNIST digits). */
  horizontalFlip: true,
  epochs: 16,
  batchSize: 128,
  /** The one-cycle schedule's peak. */
  lr: 3e-3,
};
