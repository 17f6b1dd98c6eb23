/** The browser-safe part of apps/search (index.ts): no files, PNG codecs or native modules. */
export * from './angular-margin.js';
export * from './embed.js';
export * from './embedder.js';
export * from './embedding-bn-net.js';
export * from './embedding-net.js';
export * from './embedding-recipe.js';
export * from './exact-search.js';
export * from './pk-batches.js';
export * from './proxy-loss.js';
export * from './retrieval-eval.js';
export * from './retrieval-metrics.js';
export * from './triplet-loss.js';
