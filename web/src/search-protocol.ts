/**
 * The search panel's messages (panels/search-panel.ts <-> search-handler.ts, which runs in the
 * training worker beside the model it may search with). protocol.ts adds them to its unions.
 */

/** Which model embeds: the page's (its hidden layer) or the one opened in the panel. */
export type SearchSource = 'page' | 'file';

/** A test digit by its index in the 2,000-image test split, or a drawing (28x28 in [0,1]). */
export type SearchQuery =
  { kind: 'test'; testIndex: number } | { kind: 'drawing'; pixels: Float32Array };

export type SearchToWorker =
  /**
   * The k nearest test digits to the query. The gallery is computed first when there is none
   * for this model; for the page's model after training steps, only when `refresh` is set (else
   * the last snapshot of its weights serves, query and gallery alike).
   */
  | {
      type: 'search';
      id: number;
      source: SearchSource;
      query: SearchQuery;
      k: number;
      refresh: boolean;
    }
  /** Opens a model file for the panel: an embedding model, or a classifier. */
  | { type: 'search-load'; name: string; bytes: Uint8Array };

/** The gallery the results come from: the test split embedded by one model's weights. */
export interface GalleryInfo {
  source: SearchSource;
  /** 'seed-net (seed 1)' or the file's name. */
  modelName: string;
  /** The page's model: its id (changes on reset and load) and the training step embedded. */
  modelId: number | null;
  step: number | null;
  /** 'embedding 64-d' or 'hidden layer 128-d'. */
  embedder: string;
  count: number;
  /** Time to embed the gallery and score it, ms. */
  embedMs: number;
  /** P@1 and MAP@R of the gallery against itself (each image left out of its own results). */
  precisionAt1: number;
  mapAtR: number;
}

export interface Neighbour {
  /** Index in the test split. */
  index: number;
  label: number;
  /** Cosine similarity to the query. */
  similarity: number;
}

export interface SearchResult {
  id: number;
  gallery: GalleryInfo;
  /** The gallery was embedded for this search (not reused). */
  fresh: boolean;
  /** The query's label when it is a test digit; its 28x28 image. */
  queryLabel: number | null;
  queryIndex: number | null;
  queryImage: Float32Array;
  neighbours: Neighbour[];
  /** The neighbours' 28x28 images, one after the other. */
  images: Float32Array;
  /** Time for the query's embedding and the top-k search, ms. */
  searchMs: number;
}

export type SearchFromWorker =
  | { type: 'search-result'; result: SearchResult }
  /** The panel's model file is open. */
  | { type: 'search-model'; name: string; embedder: string }
  /** A search or a file failed; the panel shows it. */
  | { type: 'search-error'; id: number | null; message: string };
