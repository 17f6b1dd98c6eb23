/** The browser-safe part of apps/detection (index.ts): no files, PNG codecs or native modules. */
export * from './average-precision.js';
export * from './boxes.js';
export * from './coco-format.js';
export * from './decode.js';
export * from './detect-image.js';
export * from './detector-layout.js';
export * from './detector-step.js';
export * from './digit-detector.js';
export * from './digit-scenes.js';
export * from './losses.js';
export * from './nms.js';
export * from './scene-batch.js';
export * from './targets.js';
