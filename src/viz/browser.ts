/**
 * Visualisation in a browser (`viz` in convnet-ts/browser): capturing every layer's output for
 * one image, which a page then draws on its own canvases, and the architecture picture as an
 * SVG string. The renderers to PNG, charts and reports need Node and are in index.ts.
 */
export { captureFeatureMaps, namedLayerSequence } from './feature-maps.js';
export type { FeatureMap } from './feature-maps.js';
export { architectureSvg } from './architecture.js';
export type { ArchitectureOptions } from './architecture.js';
