/**
 * The search panel's work, in the training worker (training-worker.ts hands it the search
 * messages and the page's model): similar-image search over the 2,000 test digits.
 *
 *   gallery   every test digit through the embedder (apps.search.embedderOf: an embedding
 *             model as it is, a classifier's hidden layer), rows normalised: G (2000, D)
 *   query     a test digit is its own row of G; a drawing goes through the embedder
 *   search    exact top-k by cosine similarity, q . g (apps.search.topK, the wasm kernel); a test
 *             digit is left out of its own results (top k+1, then drop it)
 *   scores    P@1 and MAP@R of G against itself (apps.search.evaluateRetrieval, sameSet)
 *
 * The gallery is computed when a search first needs it and again when its model changes: the
 * page's model after a reset, a load or a training step, or another file. It is computed in one
 * go, without yielding to the event loop, so a training chunk cannot change the weights half-way.
 * Errors are answered to the panel ('search-error'); training goes on.
 */
import { Tensor, apps, data, io, noGrad, type WasmBackend, type nn } from 'convnet-ts/browser';
import { PIXELS } from './load-digits.js';
import type {
  GalleryInfo,
  SearchFromWorker,
  SearchQuery,
  SearchSource,
  SearchToWorker,
} from './search-protocol.js';

const { embedderOf, evaluateRetrieval, normalizeRows, topK } = apps.search;
const { DataLoader, MNIST_IMAGE_SIZE } = data;

/** Images per forward pass while embedding the gallery. */
const EMBED_BATCH = 250;

/** What the search needs of the page's model (Trainer.searchModel()). */
export interface PageModel {
  model: nn.Graph;
  spec: io.ModelSpec;
  description: string;
  modelId: number;
  step: number;
}

interface SearchModel {
  /** The whole model: its mode is switched to evaluation while embedding. */
  model: nn.Graph;
  embedder: apps.search.Embedder;
  normalize: data.NormalizeOptions | undefined;
  name: string;
}

interface Gallery {
  key: string;
  vectors: apps.search.Vectors;
  info: GalleryInfo;
}

/** Runs fn with the model in evaluation mode and without a graph, then restores its mode. */
function evaluating<T>(model: nn.Graph, fn: () => T): T {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    model.train(wasTraining);
  }
}

export class SearchHandler {
  private readonly backend: WasmBackend;
  private readonly test: data.InMemoryDataset;
  private readonly post: (message: SearchFromWorker, transfer?: Transferable[]) => void;
  private file: SearchModel | null = null;
  private fileId = 0;
  /** The page's model's embedder, for one model id (hiddenLayerOf shares its layers). */
  private page: { modelId: number; model: SearchModel } | null = null;
  private gallery: Gallery | null = null;

  constructor(
    backend: WasmBackend,
    test: data.InMemoryDataset,
    post: (message: SearchFromWorker, transfer?: Transferable[]) => void,
  ) {
    this.backend = backend;
    this.test = test;
    this.post = post;
  }

  handle(message: SearchToWorker, page: PageModel): void {
    const id = message.type === 'search' ? message.id : null;
    try {
      if (message.type === 'search-load') this.load(message.name, message.bytes);
      else this.search(id ?? 0, message.source, message.query, message.k, page);
    } catch (error) {
      this.post({
        type: 'search-error',
        id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private load(name: string, bytes: Uint8Array): void {
    const { spec, model } = io.modelFromFile(bytes, { source: name });
    const { inChannels, imageSize } = io.modelInput(spec);
    if (
      inChannels !== 1 ||
      imageSize[0] !== MNIST_IMAGE_SIZE ||
      imageSize[1] !== MNIST_IMAGE_SIZE
    ) {
      throw new Error(
        `${name}: the model takes ${inChannels}x${imageSize[0]}x${imageSize[1]} images; the test digits are 1x28x28`,
      );
    }
    const embedder = embedderOf(spec.task, model, name);
    this.file = { model, embedder, normalize: spec.normalize, name };
    this.fileId++;
    this.post({ type: 'search-model', name, embedder: embedder.description });
  }

  private pageModel(page: PageModel): SearchModel {
    if (this.page?.modelId !== page.modelId) {
      const embedder = embedderOf(page.spec.task, page.model, page.description);
      this.page = {
        modelId: page.modelId,
        model: {
          model: page.model,
          embedder,
          normalize: page.spec.normalize,
          name: page.description,
        },
      };
    }
    return this.page.model;
  }

  private search(
    id: number,
    source: SearchSource,
    query: SearchQuery,
    k: number,
    page: PageModel,
  ): void {
    const count = this.test.length;
    if (!Number.isSafeInteger(k) || k < 1 || k >= count)
      throw new RangeError(`k must be an integer in 1..${count - 1}, got ${k}`);
    let model: SearchModel;
    let key: string;
    if (source === 'page') {
      model = this.pageModel(page);
      key = `page:${page.modelId}:${page.step}`;
    } else {
      if (this.file === null) throw new Error('open a model file first (Open model…)');
      model = this.file;
      key = `file:${this.fileId}`;
    }
    const fresh = this.gallery?.key !== key;
    const gallery =
      this.gallery !== null && !fresh ? this.gallery : this.embedGallery(key, source, model, page);
    this.gallery = gallery;

    const started = performance.now();
    const { dim } = gallery.vectors;
    let q: apps.search.Vectors;
    let queryIndex: number | null = null;
    let queryImage: Float32Array;
    if (query.kind === 'test') {
      const i = query.testIndex;
      if (!Number.isSafeInteger(i) || i < 0 || i >= count)
        throw new RangeError(`test digit ${i} is outside 0..${count - 1}`);
      queryIndex = i;
      q = { data: gallery.vectors.data.slice(i * dim, (i + 1) * dim), count: 1, dim };
      queryImage = Float32Array.from(this.test.images.data.subarray(i * PIXELS, (i + 1) * PIXELS));
    } else {
      queryImage = Float32Array.from(query.pixels);
      q = normalizeRows(this.embedOne(model, query.pixels));
    }
    const own = queryIndex === null ? 0 : 1;
    const found = topK(q, gallery.vectors, k + own);
    const neighbours = [];
    for (let j = 0; j < k + own && neighbours.length < k; j++) {
      const index = found.indices[j];
      if (index === queryIndex) continue;
      neighbours.push({ index, label: this.test.labels[index], similarity: found.scores[j] });
    }
    const images = new Float32Array(neighbours.length * PIXELS);
    neighbours.forEach(({ index }, j) =>
      images.set(this.test.images.data.subarray(index * PIXELS, (index + 1) * PIXELS), j * PIXELS),
    );
    const result = {
      id,
      gallery: gallery.info,
      fresh,
      queryLabel: queryIndex === null ? null : this.test.labels[queryIndex],
      queryIndex,
      queryImage,
      neighbours,
      images,
      searchMs: performance.now() - started,
    };
    this.post({ type: 'search-result', result }, [images.buffer, queryImage.buffer]);
  }

  /** The test split through the embedder, rows normalised, and its scores against itself. */
  private embedGallery(
    key: string,
    source: SearchSource,
    { model, embedder, normalize, name }: SearchModel,
    page: PageModel,
  ): Gallery {
    const started = performance.now();
    const count = this.test.length;
    const raw = new Float32Array(count * embedder.dim);
    const loader = new DataLoader(this.test, { batchSize: EMBED_BATCH, shuffle: false, normalize });
    let done = 0;
    evaluating(model, () => {
      for (const { images, labels } of loader.epoch(0)) {
        this.backend.runStep([], () =>
          raw.set(embedder.model.forward(images).data, done * embedder.dim),
        );
        done += labels.length;
      }
    });
    const vectors = normalizeRows({ data: raw, count, dim: embedder.dim });
    const labels = this.test.labels;
    const scores = evaluateRetrieval(vectors, labels, vectors, labels, { ks: [1], sameSet: true });
    return {
      key,
      vectors,
      info: {
        source,
        modelName: name,
        modelId: source === 'page' ? page.modelId : null,
        step: source === 'page' ? page.step : null,
        embedder: embedder.description,
        count,
        embedMs: performance.now() - started,
        precisionAt1: scores.precisionAt1,
        mapAtR: scores.mapAtR,
      },
    };
  }

  /** One drawing (28x28 in [0,1]) through the embedder, normalised as the model's spec says. */
  private embedOne(
    { model, embedder, normalize }: SearchModel,
    pixels: Float32Array,
  ): apps.search.Vectors {
    const x = new Tensor(Float32Array.from(pixels), [1, 1, MNIST_IMAGE_SIZE, MNIST_IMAGE_SIZE]);
    if (normalize !== undefined) {
      const [mean] = normalize.mean;
      const [std] = normalize.std;
      for (let i = 0; i < x.data.length; i++) x.data[i] = (x.data[i] - mean) / std;
    }
    const data = evaluating(model, () =>
      this.backend.runStep([], () => Float32Array.from(embedder.model.forward(x).data)),
    );
    return { data, count: 1, dim: embedder.dim };
  }
}
