/**
 * The browser entry (`convnet-ts/browser`): the root entry's shape (index.ts) without the parts
 * that read files, download or use Node's streams. The root names are the same (core.ts); the
 * namespaces data, io, train and viz are their browser indexes (src/<part>/browser.ts: no IDX
 * or image-folder readers, no Fashion-MNIST, no checkpoints or atomic writes, no fit() or
 * picture writers), and nothing in this module graph imports Node at load time. The wasm
 * backend alone imports node:os, node:fs and node:worker_threads lazily, on its Node code
 * paths; bundlers resolve those to stubs (see web/vite.config.ts).
 */
export * from './core.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/browser.js';
export * as train from './train/browser.js';
export * as io from './io/browser.js';
export * as viz from './viz/browser.js';
export * as check from './check/index.js';
export * as apps from './apps/browser.js';
