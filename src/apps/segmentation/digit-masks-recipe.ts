/**
 * The digit-masks recipe: the model and loss that `convnet train --task segmentation` and the
 * playground's segmentation panel train, and that the benchmarks and the PyTorch parity script
 * build (docs/segmentation.md, "Results").
 *
 * - depth 4: a bottleneck cell (1/16 of the scene's side) has a receptive field of 140 pixels, so
 *   even a cell at a digit's edge sees the whole digit (22-34 pixels); at depth 3 (68 pixels) the
 *   same run was at 19% mIoU where depth 4 was at 39% (3,000 scenes, 3 epochs).
 * - a 2x2 stride-2 transposed convolution doubles each decoder level (fewer multiplies than
 *   nearest upsampling and a 3x3 convolution).
 * - background weighted 0.2 in the cross-entropy: ink is a few percent of a scene's pixels, so
 *   unweighted the digits' share of the gradient is small while which digit it is, not where the
 *   ink is, is what is hard.
 */
import type { SegmentationLossName } from './dice-loss.js';
import type { UnetUpMode } from './unet-lite.js';

export const DIGIT_MASKS_RECIPE = {
  base: 8,
  depth: 4,
  up: 'transpose' as UnetUpMode,
  loss: 'ce+dice' as SegmentationLossName,
  lr: 3e-3,
  /** Background first, then the digits 0-9. */
  classWeights: [0.2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] as readonly number[],
};
