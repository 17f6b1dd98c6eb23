/**
 * The package root (`convnet-ts`): everything in the browser entry (src/browser.ts) plus the
 * parts that need Node: file readers and downloads (IDX, image folders, Fashion-MNIST),
 * checkpoints and atomic writes, the training loop and the visualisation writers.
 */
export * from './browser.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './train/index.js';
export * from './viz/index.js';
