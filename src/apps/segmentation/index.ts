/** Semantic segmentation: digit masks, U-Net-lite, Dice loss, IoU metrics and segmenting any size (docs/segmentation.md). */
export * from './class-colors.js';
export * from './dice-loss.js';
export * from './digit-masks-node.js';
export * from './digit-masks-recipe.js';
export * from './digit-masks.js';
export * from './evaluate-segmentation.js';
export * from './mask-png.js';
export * from './overlay.js';
export * from './pair-folder.js';
export * from './segment.js';
export * from './segmentation-metrics.js';
export * from './segmentation-set.js';
export * from './segmentation-step.js';
export * from './segmenter-model.js';
export * from './segmenter-spec.js';
export * from './train-segmentation.js';
export * from './unet-lite.js';
