/** The applications a CNN exists for, beside classification (src/train): one namespace each. */
export * as detection from './detection/index.js';
export * as segmentation from './segmentation/index.js';
export * as search from './search/index.js';
