/**
 * The similar-digits panel: a test digit (by index) or a drawing as the query, its k nearest
 * test digits by cosine similarity of their embeddings, each with its similarity and framed by
 * whether its label matches the query's (a test digit's; a drawing has none), and which model
 * the gallery comes from, with its P@1 and MAP@R. The work runs in the training worker
 * (search-handler.ts); this file builds the panel's markup into #search-panel and talks to it.
 *
 * Nothing is embedded until the panel is first used. While it shows results from the page's
 * model, it asks for a fresh gallery when that model changes: a reset, a load, a pause in
 * training, and while training, after test evaluations, at most as often as keeps the gallery's
 * embedding under a fifth of the time; so the results follow training. Queries made while the
 * page trains reuse the last gallery (and its snapshot of the weights), whose step it shows.
 */
import { data } from 'convnet-ts/browser';
import { DrawPad } from '../draw-pad.js';
import { drawDigit } from '../pictures.js';
import type {
  GalleryInfo,
  SearchFromWorker,
  SearchResult,
  SearchSource,
  SearchToWorker,
} from '../search-protocol.js';

const FIELD_SIZE = data.MNIST_FIELD_SIZE;
/** While training, the gallery is refreshed after at least this many times its embedding time. */
const REFRESH_EVERY = 5;

const MARKUP = `
  <h2>Similar digits</h2>
  <p class="note">
    The nearest of the 2,000 test digits to a test digit or to your drawing, by the cosine
    similarity of their embeddings: the page's model's hidden layer, or a model file (an
    embedding model from <code>convnet train --task embedding</code>, or a classifier).
    Green frame: same label as the query; red: another.
  </p>
  <div class="controls">
    <label>
      model
      <select id="search-source">
        <option value="page" selected>the page's model (hidden layer)</option>
        <option value="file" disabled>a model file</option>
      </select>
    </label>
    <label class="file-button">
      Open model…
      <input id="search-load-input" type="file" accept=".safetensors" disabled />
    </label>
    <label>
      k
      <select id="search-k">
        <option>5</option>
        <option selected>8</option>
        <option>12</option>
      </select>
    </label>
  </div>
  <div class="controls">
    <label>
      test digit
      <input id="search-index" type="number" value="0" min="0" />
    </label>
    <button id="search-test-button" disabled>Search</button>
    <span class="note">or draw:</span>
  </div>
  <p id="search-error" class="error" role="alert" hidden></p>
  <div class="search-body">
    <div class="search-query">
      <canvas id="search-pad" width="280" height="280"></canvas>
      <button id="search-clear">Clear</button>
      <figure>
        <canvas id="search-query-image" class="pixelated"></canvas>
        <figcaption id="search-query-caption">no query yet</figcaption>
      </figure>
    </div>
    <div class="search-output">
      <p id="search-gallery" class="note">No gallery yet: it is embedded on the first search.</p>
      <ol id="search-results" class="search-results"></ol>
    </div>
  </div>
`;

type Query = { kind: 'test'; testIndex: number } | { kind: 'drawing' };

export interface SearchPanel {
  /** The worker has the digits: searching can start. */
  enable(testSize: number): void;
  /** The page's model changed (steps, a reset, a load): search again if it is in use. */
  pageModelChanged(training: boolean): void;
  onMessage(message: SearchFromWorker): void;
}

function find<T extends HTMLElement>(root: HTMLElement, id: string, type: new () => T): T {
  const found = root.querySelector(`#${id}`);
  if (!(found instanceof type)) throw new Error(`the search panel has no ${type.name} #${id}`);
  return found;
}

function galleryText(g: GalleryInfo): string {
  const model =
    g.source === 'page'
      ? `the page's model, ${g.modelName}, at step ${g.step ?? 0}`
      : `the model file ${g.modelName}`;
  return (
    `Gallery: the ${g.count.toLocaleString('en')} test digits embedded by ${model} ` +
    `(${g.embedder}, cosine; ${Math.round(g.embedMs)} ms). ` +
    `Test digits against each other: P@1 ${g.precisionAt1.toFixed(3)}, MAP@R ${g.mapAtR.toFixed(3)}.`
  );
}

export function mountSearchPanel(
  root: HTMLElement,
  send: (message: SearchToWorker, transfer?: Transferable[]) => void,
): SearchPanel {
  root.innerHTML = MARKUP;
  const ui = {
    source: find(root, 'search-source', HTMLSelectElement),
    load: find(root, 'search-load-input', HTMLInputElement),
    k: find(root, 'search-k', HTMLSelectElement),
    index: find(root, 'search-index', HTMLInputElement),
    searchTest: find(root, 'search-test-button', HTMLButtonElement),
    error: find(root, 'search-error', HTMLElement),
    pad: find(root, 'search-pad', HTMLCanvasElement),
    clear: find(root, 'search-clear', HTMLButtonElement),
    queryImage: find(root, 'search-query-image', HTMLCanvasElement),
    queryCaption: find(root, 'search-query-caption', HTMLElement),
    gallery: find(root, 'search-gallery', HTMLElement),
    results: find(root, 'search-results', HTMLOListElement),
  };
  const state = {
    testSize: 0,
    query: null as Query | null,
    nextId: 1,
    inFlight: false,
    /** Something changed while a search was in flight: search again when it answers. */
    dirty: false,
    /** The search to come after the one in flight asks for a fresh gallery. */
    dirtyRefresh: false,
    /** The page's model is training: queries reuse the last gallery unless refreshed. */
    training: false,
    /** When the last fresh gallery arrived (performance.now()) and how long it took. */
    galleryAt: -Infinity,
    galleryMs: 0,
  };
  root.dataset.pending = 'false';

  function showError(message: string): void {
    ui.error.textContent = message;
    ui.error.hidden = message === '';
  }

  /**
   * Sends the current query, one search at a time; `refresh` asks for a gallery of the page's
   * model's current weights (by default, unless it is training).
   */
  function search(refresh = !state.training): void {
    if (state.testSize === 0 || state.query === null) return;
    if (state.inFlight) {
      state.dirty = true;
      state.dirtyRefresh ||= refresh;
      return;
    }
    const k = Number(ui.k.value);
    const source = ui.source.value as SearchSource;
    const id = state.nextId++;
    if (state.query.kind === 'test') {
      send({ type: 'search', id, source, k, refresh, query: state.query });
    } else {
      const digit = data.prepareDigit(pad.read(), { polarity: 'as-is' });
      if (digit.empty) {
        ui.results.replaceChildren();
        ui.queryCaption.textContent = 'no query yet';
        delete root.dataset.query;
        return;
      }
      const { pixels } = digit;
      const query = { kind: 'drawing' as const, pixels };
      send({ type: 'search', id, source, k, refresh, query }, [pixels.buffer]);
    }
    state.inFlight = true;
    root.dataset.pending = 'true';
  }

  function show(result: SearchResult): void {
    const { gallery, queryIndex, queryLabel } = result;
    if (result.fresh) {
      state.galleryAt = performance.now();
      state.galleryMs = gallery.embedMs;
    }
    root.dataset.query = queryIndex === null ? 'drawing' : `test:${queryIndex}`;
    root.dataset.resultId = String(result.id);
    root.dataset.searchMs = result.searchMs.toFixed(2);
    drawDigit(ui.queryImage, result.queryImage, FIELD_SIZE);
    ui.queryCaption.textContent =
      queryIndex === null ? 'your drawing' : `test digit ${queryIndex}, label ${queryLabel}`;
    ui.gallery.textContent = galleryText(gallery);
    Object.assign(ui.gallery.dataset, {
      source: gallery.source,
      model: gallery.modelName,
      step: String(gallery.step ?? ''),
      embedMs: gallery.embedMs.toFixed(0),
      precisionAt1: String(gallery.precisionAt1),
      mapAtR: String(gallery.mapAtR),
    });
    ui.results.replaceChildren(
      ...result.neighbours.map(({ index, label, similarity }, j) => {
        const item = document.createElement('li');
        const match = queryLabel === null ? 'unknown' : String(label === queryLabel);
        item.className = match === 'true' ? 'match' : match === 'false' ? 'mismatch' : '';
        Object.assign(item.dataset, {
          index: String(index),
          label: String(label),
          similarity: String(similarity),
          match,
        });
        const canvas = document.createElement('canvas');
        canvas.className = 'pixelated';
        const pixels = result.images.subarray(j * FIELD_SIZE ** 2, (j + 1) * FIELD_SIZE ** 2);
        drawDigit(canvas, pixels, FIELD_SIZE);
        const caption = document.createElement('span');
        caption.textContent = `#${index} · ${label} · ${similarity.toFixed(3)}`;
        caption.title = `test digit ${index}, label ${label}, cosine similarity ${similarity}`;
        item.append(canvas, caption);
        return item;
      }),
    );
  }

  function answered(): void {
    state.inFlight = false;
    if (state.dirty) {
      const refresh = state.dirtyRefresh;
      state.dirty = false;
      state.dirtyRefresh = false;
      search(refresh);
    }
    if (!state.inFlight) root.dataset.pending = 'false';
  }

  const pad = new DrawPad(ui.pad, () => {
    if (state.testSize === 0) return;
    state.query = { kind: 'drawing' };
    search();
  });

  function searchTest(index: number): void {
    if (state.testSize === 0 || !Number.isFinite(index)) return;
    const testIndex = Math.min(Math.max(0, Math.round(index)), state.testSize - 1);
    ui.index.value = String(testIndex);
    state.query = { kind: 'test', testIndex };
    search();
  }

  ui.index.addEventListener('change', () => searchTest(Number(ui.index.value)));
  ui.searchTest.addEventListener('click', () => searchTest(Number(ui.index.value)));
  ui.clear.addEventListener('click', () => pad.clear());
  ui.source.addEventListener('change', () => {
    showError('');
    search(true);
  });
  ui.k.addEventListener('change', () => search());
  ui.load.addEventListener('change', async () => {
    const file = ui.load.files?.[0];
    if (file === undefined) return;
    showError('');
    const bytes = new Uint8Array(await file.arrayBuffer());
    send({ type: 'search-load', name: file.name, bytes }, [bytes.buffer]);
    ui.load.value = '';
  });

  return {
    enable(testSize) {
      state.testSize = testSize;
      ui.index.max = String(testSize - 1);
      ui.load.disabled = false;
      ui.searchTest.disabled = false;
    },
    pageModelChanged(training) {
      state.training = training;
      if (ui.source.value !== 'page' || state.query === null) return;
      const since = performance.now() - state.galleryAt;
      if (training && since < REFRESH_EVERY * state.galleryMs) return;
      search(true);
    },
    onMessage(message) {
      switch (message.type) {
        case 'search-result':
          showError('');
          show(message.result);
          return answered();
        case 'search-model': {
          const option = ui.source.querySelector<HTMLOptionElement>('option[value="file"]');
          if (option !== null) {
            option.disabled = false;
            option.textContent = `${message.name} (${message.embedder})`;
          }
          ui.source.value = 'file';
          root.dataset.file = message.name;
          if (state.query === null)
            state.query = { kind: 'test', testIndex: Number(ui.index.value) || 0 };
          return search();
        }
        case 'search-error':
          showError(message.message);
          if (message.id !== null) answered();
          return;
      }
    },
  };
}
