/** Similar-image search: embedding nets, metric-learning losses, retrieval metrics, exact top-k, HNSW and pgvector stores (docs/search.md). */
export * from './angular-margin.js';
export * from './embed.js';
export * from './embedder.js';
export * from './embedding-net.js';
export * from './exact-search.js';
export * from './hnsw-index.js';
export * from './pk-batches.js';
export * from './proxy-loss.js';
export * from './results-picture.js';
export * from './retrieval-eval.js';
export * from './retrieval-metrics.js';
export * from './search-run.js';
export * from './train-embedding.js';
export * from './triplet-loss.js';
export * from './vector-store.js';
