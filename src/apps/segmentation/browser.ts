/** The browser-safe part of apps/segmentation (index.ts): no files, PNG codecs or native modules. */
export * from './class-colors.js';
export * from './dice-loss.js';
export * from './digit-masks-recipe.js';
export * from './digit-masks.js';
export * from './evaluate-segmentation.js';
export * from './segment.js';
export * from './segmentation-metrics.js';
export * from './segmentation-set.js';
export * from './segmentation-step.js';
export * from './segmenter-spec.js';
export * from './unet-lite.js';
