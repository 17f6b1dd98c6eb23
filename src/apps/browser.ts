/** The applications' browser-safe parts (apps/index.ts without files, PNG codecs or native modules). */
export * as detection from './detection/browser.js';
export * as segmentation from './segmentation/browser.js';
export * as search from './search/browser.js';
