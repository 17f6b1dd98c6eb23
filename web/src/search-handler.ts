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
 * The gallery is computed when a search first needs it and again when its model changes:
 * another file, or the page's model after a reset or a load, or after training steps when the
 * panel asks for a refresh (it does so when training pauses, and while training at most every
 * few gallery times: search-panel.ts). The page's model is searched through a snapshot of its
 * weights taken with the gallery, so that a drawing's query and the gallery always come from the
 * same weights while training goes on. The gallery is computed in one go, without yielding to
 * the event loop. Errors are answered to the panel ('search-error'); training goes on.
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
  /** In evaluation mode. */
  embedder: apps.search.Embedder;
  normalize: data.NormalizeOptions | undefined;
  name: string;
}

interface Gallery {
  key: string;
  vectors: apps.search.Vectors;
  info: GalleryInfo;
}

/** A copy of the page's model with its current weights (the training goes on with its own). */
function snapshot(page: PageModel): SearchModel {
  const model = io.buildModel(page.spec);
  model.loadStateDict(page.model.stateDict());
  const embedder = embedderOf(page.spec.task, model, page.description);
  embedder.model.eval();
  return { embedder, normalize: page.spec.normalize, name: page.description };
}

export class SearchHandler {
  private readonly backend: WasmBackend;
  private readonly test: data.InMemoryDataset;
  private readonly post: (message: SearchFromWorker, transfer?: Transferable[]) => void;
  private file: SearchModel | null = null;
  private fileId = 0;
  /** The snapshot of the page's model the search uses, and which weights it has. */
  private page: { modelId: number; step: number; model: SearchModel } | null = null;
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
      else this.search(id ?? 0, message, page);
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
    embedder.model.eval();
    this.file = { embedder, normalize: spec.normalize, name };
    this.fileId++;
    this.post({ type: 'search-model', name, embedder: embedder.description });
  }

  /** The snapshot of the page's model: a new one for another model, or on refresh after steps. */
  private pageModel(page: PageModel, refresh: boolean): { model: SearchModel; step: number } {
    const current = this.page;
    if (
      current === null ||
      current.modelId !== page.modelId ||
      (refresh && current.step !== page.step)
    ) {
      this.page = { modelId: page.modelId, step: page.step, model: snapshot(page) };
      return this.page;
    }
    return current;
  }

  private search(
    id: number,
    { source, query, k, refresh }: Extract<SearchToWorker, { type: 'search' }>,
    page: PageModel,
  ): void {
    const count = this.test.length;
    if (!Number.isSafeInteger(k) || k < 1 || k >= count)
      throw new RangeError(`k must be an integer in 1..${count - 1}, got ${k}`);
    let model: SearchModel;
    let key: string;
    let step: number | null = null;
    if (source === 'page') {
      ({ model, step } = this.pageModel(page, refresh));
      key = `page:${page.modelId}:${step}`;
    } else {
      if (this.file === null) throw new Error('open a model file first (Open model…)');
      model = this.file;
      key = `file:${this.fileId}`;
    }
    const fresh = this.gallery?.key !== key;
    const gallery =
      this.gallery !== null && !fresh
        ? this.gallery
        : this.embedGallery(key, source, model, source === 'page' ? page.modelId : null, step);
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
    { embedder, normalize, name }: SearchModel,
    modelId: number | null,
    step: number | null,
  ): Gallery {
    const started = performance.now();
    const count = this.test.length;
    const raw = new Float32Array(count * embedder.dim);
    const loader = new DataLoader(this.test, { batchSize: EMBED_BATCH, shuffle: false, normalize });
    let done = 0;
    noGrad(() => {
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
        modelId,
        step,
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
    { embedder, normalize }: SearchModel,
    pixels: Float32Array,
  ): apps.search.Vectors {
    const x = new Tensor(Float32Array.from(pixels), [1, 1, MNIST_IMAGE_SIZE, MNIST_IMAGE_SIZE]);
    if (normalize !== undefined) {
      const [mean] = normalize.mean;
      const [std] = normalize.std;
      for (let i = 0; i < x.data.length; i++) x.data[i] = (x.data[i] - mean) / std;
    }
    const data = noGrad(() =>
      this.backend.runStep([], () => Float32Array.from(embedder.model.forward(x).data)),
    );
    return { data, count: 1, dim: embedder.dim };
  }
}
