/**
 * The embedding recipe: the model, loss and schedule that `convnet train --task embedding` uses
 * unless told otherwise, measured on Fashion-MNIST (docs/search.md, "Fashion-MNIST").
 *
 * - three conv-BN-ReLU-pool stages of 16, 32 and 64 channels (embedding-bn-net.ts): half the
 *   multiply-adds of the seed net's trunk, so it embeds faster, and batch normalisation lets it
 *   train at Adam's 3e-3 to a better embedding in fewer epochs.
 * - ArcFace with margin 0.2 rad and scale 16 over 64-d unit vectors.
 * - no augmentation by default: on Fashion-MNIST, random crops (2 pixels of padding) cost P@1 in
 *   short runs (4 epochs: 0.885 with crops and flips against 0.899 without).
 */
export const EMBEDDING_BN_NET = 'embedding-bn-net';

export const EMBEDDING_RECIPE = {
  model: EMBEDDING_BN_NET,
  widths: [32, 64] as readonly number[],
  hidden: 128,
  dim: 64,
  margin: 0.2,
  scale: 16,
  epochs: 12,
  batchSize: 128,
  lr: 3e-3,
};
