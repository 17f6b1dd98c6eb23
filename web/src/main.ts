/**
 * The playground page: starts the training worker and shows what it reports. Everything heavy
 * (training, evaluation, predictions) runs in the worker; this thread draws and handles input.
 *
 * Query parameters: ?threads=N runs the wasm backend on N threads (default: all cores when the
 * page is cross-origin isolated, else 1); ?seed=S seeds the initial model (default 1).
 */
import { data } from 'convnet-ts/browser';
import { drawLineChart } from './charts.js';
import { DrawPad } from './draw-pad.js';
import { mountAppPanels } from './panels/app-panels.js';
import { mountSearchPanel } from './panels/search-panel.js';
import { drawActivations, drawDigit, drawFeatureMaps, drawFilters } from './pictures.js';
import type {
  FromWorker,
  Inspection,
  ModelInfo,
  TestPoint,
  ToWorker,
  TrainPoint,
} from './protocol.js';
import './style.css';

/** The side of the digits the network sees (28). */
const FIELD_SIZE = data.MNIST_FIELD_SIZE;

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return found;
}

const ui = {
  backend: element('backend', HTMLElement),
  isolation: element('isolation', HTMLElement),
  error: element('error', HTMLElement),
  train: element('train-button', HTMLButtonElement),
  pause: element('pause-button', HTMLButtonElement),
  reset: element('reset-button', HTMLButtonElement),
  batchSize: element('batch-size', HTMLSelectElement),
  learningRate: element('learning-rate', HTMLInputElement),
  epoch: element('stat-epoch', HTMLElement),
  step: element('stat-step', HTMLElement),
  trainLoss: element('stat-train-loss', HTMLElement),
  trainAccuracy: element('stat-train-accuracy', HTMLElement),
  testAccuracy: element('stat-test-accuracy', HTMLElement),
  throughput: element('stat-throughput', HTMLElement),
  lossChart: element('loss-chart', HTMLCanvasElement),
  accuracyChart: element('accuracy-chart', HTMLCanvasElement),
  throughputChart: element('throughput-chart', HTMLCanvasElement),
  drawPad: element('draw-pad', HTMLCanvasElement),
  drawClear: element('draw-clear', HTMLButtonElement),
  drawPreview: element('draw-preview', HTMLCanvasElement),
  drawPredictions: element('draw-predictions', HTMLOListElement),
  save: element('save-button', HTMLButtonElement),
  load: element('load-input', HTMLInputElement),
  modelStatus: element('model-status', HTMLElement),
  inspect: element('inspect-panel', HTMLElement),
  testIndex: element('test-index', HTMLInputElement),
  testPrevious: element('test-previous', HTMLButtonElement),
  testNext: element('test-next', HTMLButtonElement),
  testImage: element('test-image', HTMLCanvasElement),
  testLabel: element('test-label', HTMLElement),
  testPredictions: element('test-predictions', HTMLOListElement),
  layers: element('layers', HTMLElement),
  architecture: element('architecture', HTMLElement),
  filters: element('filters', HTMLCanvasElement),
};

const params = new URLSearchParams(location.search);
const threadsParam = params.get('threads');
const threads = threadsParam === null ? null : Number(threadsParam);
const seedParam = Number(params.get('seed') ?? 1);
const seed = Number.isSafeInteger(seedParam) ? seedParam : 1;

const state = {
  ready: false,
  running: false,
  model: null as ModelInfo | null,
  trainPoints: [] as TrainPoint[],
  testPoints: [] as TestPoint[],
  images: 0,
  trainingMs: 0,
  testSize: 0,
  /** The drawing changes this; a prediction answers one version. */
  drawVersion: 0,
  predictedVersion: 0,
  predictionInFlight: false,
  hasDrawing: false,
};

const worker = new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module' });

function send(message: ToWorker, transfer: Transferable[] = []): void {
  worker.postMessage(message, transfer);
}

const searchPanel = mountSearchPanel(element('search-panel', HTMLElement), send);

function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

function showError(message: string): void {
  ui.error.textContent = message;
  ui.error.hidden = message === '';
}

function updateButtons(): void {
  ui.train.disabled = !state.ready || state.running;
  ui.pause.disabled = !state.ready || !state.running;
  ui.reset.disabled = !state.ready;
  ui.save.disabled = !state.ready;
  ui.load.disabled = !state.ready;
  ui.train.textContent = state.trainPoints.length > 0 ? 'Resume' : 'Train';
  document.body.dataset.training = String(state.running);
}

function trainSettings() {
  const learningRate = Number(ui.learningRate.value);
  return {
    batchSize: Number(ui.batchSize.value),
    learningRate: Number.isFinite(learningRate) && learningRate > 0 ? learningRate : 1e-3,
  };
}

function drawCurves(): void {
  const train = state.trainPoints;
  const test = state.testPoints;
  drawLineChart(
    ui.lossChart,
    [
      {
        label: 'train loss',
        color: '#5aa9ff',
        points: train.map((p) => ({ x: p.epoch, y: p.loss })),
      },
      {
        label: 'test loss',
        color: '#ffb347',
        points: test.map((p) => ({ x: p.epoch, y: p.loss })),
      },
    ],
    { xLabel: 'epoch' },
  );
  const accuracies = [...train.map((p) => p.accuracy), ...test.map((p) => p.accuracy)];
  const low = accuracies.length === 0 ? 0 : Math.floor(Math.min(...accuracies) * 10) / 10;
  drawLineChart(
    ui.accuracyChart,
    [
      {
        label: 'train accuracy',
        color: '#5aa9ff',
        points: train.map((p) => ({ x: p.epoch, y: p.accuracy })),
      },
      {
        label: 'test accuracy',
        color: '#ffb347',
        points: test.map((p) => ({ x: p.epoch, y: p.accuracy })),
      },
    ],
    { xLabel: 'epoch', yMin: low, yMax: 1, formatY: (v) => percent(v, 0) },
  );
  drawLineChart(
    ui.throughputChart,
    [
      {
        label: 'images/s',
        color: '#7ddc8a',
        points: train.map((p) => ({ x: p.epoch, y: (p.images / p.trainingMs) * 1000 })),
      },
    ],
    { xLabel: 'epoch', yMin: 0 },
  );
}

function onTrainPoint(point: TrainPoint): void {
  state.trainPoints.push(point);
  state.images += point.images;
  state.trainingMs += point.trainingMs;
  const now = (point.images / point.trainingMs) * 1000;
  const average = (state.images / state.trainingMs) * 1000;
  ui.epoch.textContent = point.epoch.toFixed(2);
  ui.step.textContent = String(point.step);
  ui.trainLoss.textContent = point.loss.toFixed(4);
  ui.trainAccuracy.textContent = percent(point.accuracy);
  ui.throughput.textContent = `${Math.round(now).toLocaleString('en')} images/s (average ${Math.round(average).toLocaleString('en')})`;
  ui.throughput.dataset.average = String(average);
  ui.throughput.dataset.images = String(state.images);
  drawCurves();
}

function onTestPoint(point: TestPoint): void {
  state.testPoints.push(point);
  // A loaded model is evaluated before any step here: no "step 0".
  const when = point.step === 0 ? '' : `, step ${point.step}`;
  ui.testAccuracy.textContent = `${percent(point.accuracy, 2)} (loss ${point.loss.toFixed(4)}${when})`;
  ui.testAccuracy.dataset.value = String(point.accuracy);
  drawCurves();
}

/** The worker's SVG (text escaped by architectureSvg), parsed as SVG and put in the panel. */
function showArchitecture(svg: string): void {
  const parsed = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  ui.architecture.replaceChildren(document.importNode(parsed, true));
}

function onModel(model: ModelInfo): void {
  state.model = model;
  state.trainPoints = [];
  state.testPoints = [];
  state.images = 0;
  state.trainingMs = 0;
  for (const stat of [ui.epoch, ui.step, ui.trainLoss, ui.trainAccuracy, ui.testAccuracy]) {
    stat.textContent = '–';
  }
  delete ui.testAccuracy.dataset.value;
  ui.throughput.textContent = '–';
  ui.modelStatus.textContent = `Model: ${model.description}`;
  ui.modelStatus.title = model.spec;
  ui.modelStatus.dataset.modelId = String(model.modelId);
  ui.modelStatus.dataset.description = model.description;
  showArchitecture(model.architecture);
  drawCurves();
  requestPrediction();
}

/** Fills a list with classes and their probabilities, most probable first, `count` of them. */
function showProbabilities(list: HTMLOListElement, probabilities: Float32Array, count: number) {
  const names = state.model?.classNames ?? [];
  const order = [...probabilities.keys()].sort((a, b) => probabilities[b] - probabilities[a]);
  list.replaceChildren(
    ...order.slice(0, count).map((k) => {
      const item = document.createElement('li');
      item.dataset.class = String(k);
      item.dataset.probability = String(probabilities[k]);
      const name = document.createElement('span');
      name.className = 'class-name';
      name.textContent = names[k] ?? String(k);
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.setProperty('--p', String(probabilities[k]));
      const value = document.createElement('span');
      value.className = 'probability';
      value.textContent = percent(probabilities[k]);
      item.append(name, bar, value);
      return item;
    }),
  );
}

function layerCaption(name: string, typeName: string, shape: number[]): string {
  return `${name} ${typeName} ${shape.join('×')}`;
}

function onInspection(inspection: Inspection): void {
  ui.inspect.dataset.testIndex = String(inspection.testIndex);
  ui.inspect.dataset.modelId = String(inspection.modelId);
  ui.testIndex.value = String(inspection.testIndex);
  drawDigit(ui.testImage, inspection.image, FIELD_SIZE);
  const names = state.model?.classNames ?? [];
  const predicted = [...inspection.probabilities.keys()].reduce((a, b) =>
    inspection.probabilities[b] > inspection.probabilities[a] ? b : a,
  );
  ui.testLabel.textContent = `label ${names[inspection.label] ?? inspection.label}, predicted ${names[predicted] ?? predicted}`;
  ui.testLabel.dataset.label = String(inspection.label);
  showProbabilities(ui.testPredictions, inspection.probabilities, inspection.probabilities.length);

  const figures = inspection.layers.map((layer) => {
    const figure = document.createElement('figure');
    const canvas = document.createElement('canvas');
    if (layer.shape.length === 3) {
      const [C, H, W] = layer.shape;
      const columns = Math.min(C, H <= 7 ? 16 : 8);
      drawFeatureMaps(canvas, layer.values, [C, H, W], columns);
      const scale = Math.ceil(36 / H);
      canvas.style.width = `${canvas.width * scale}px`;
    } else {
      const F = layer.values.length;
      const columns = Math.min(F, 16);
      drawActivations(canvas, layer.values, columns);
      canvas.style.width = `${canvas.width * (F <= 16 ? 16 : 10)}px`;
    }
    const caption = document.createElement('figcaption');
    caption.textContent = layerCaption(layer.name, layer.typeName, layer.shape);
    figure.append(canvas, caption);
    return figure;
  });
  ui.layers.replaceChildren(...figures);

  const [F, C, KH, KW] = inspection.filterShape;
  if (inspection.filterShape.length === 4) {
    drawFilters(ui.filters, inspection.filters, [F, C, KH, KW], Math.min(F, 8));
    ui.filters.style.width = `${ui.filters.width * Math.max(1, Math.round(40 / KW))}px`;
  }
}

const drawPad = new DrawPad(ui.drawPad, () => {
  state.drawVersion++;
  requestPrediction();
});

/** Asks for a prediction of the current drawing, one request at a time. */
function requestPrediction(): void {
  if (!state.ready || state.predictionInFlight) return;
  const version = state.drawVersion;
  // The same MNIST-style preprocessing as `convnet predict` (src/data/digit-preprocess.ts); the
  // pad is white on black, so its polarity is taken as it is.
  const digit = data.prepareDigit(drawPad.read(), { polarity: 'as-is' });
  const pixels = digit.empty ? null : digit.pixels;
  state.hasDrawing = pixels !== null;
  if (pixels === null) {
    state.predictedVersion = version;
    ui.drawPredictions.replaceChildren();
    ui.drawPredictions.dataset.pending = 'false';
    drawDigit(ui.drawPreview, new Float32Array(FIELD_SIZE * FIELD_SIZE), FIELD_SIZE);
    return;
  }
  drawDigit(ui.drawPreview, pixels, FIELD_SIZE);
  state.predictionInFlight = true;
  ui.drawPredictions.dataset.pending = 'true';
  send({ type: 'predict', id: version, pixels }, [pixels.buffer]);
}

function onPrediction(id: number, probabilities: Float32Array): void {
  state.predictionInFlight = false;
  state.predictedVersion = id;
  showProbabilities(ui.drawPredictions, probabilities, 3);
  if (state.drawVersion !== id) requestPrediction();
  else ui.drawPredictions.dataset.pending = 'false';
}

function download(fileName: string, bytes: Uint8Array<ArrayBuffer>): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'ready':
      state.ready = true;
      ui.backend.textContent = message.backend;
      ui.backend.dataset.threads = String(message.threads);
      ui.backend.dataset.sharedMemory = String(message.sharedMemory);
      if (state.model === null) ui.modelStatus.textContent = 'Loading the 10,000 digits…';
      document.body.dataset.ready = 'true';
      updateButtons();
      return;
    case 'data':
      state.testSize = message.testSize;
      ui.testIndex.max = String(message.testSize - 1);
      document.body.dataset.data = 'loaded';
      searchPanel.enable(message.testSize);
      return;
    case 'model':
      onModel(message.model);
      updateButtons();
      return searchPanel.pageModelChanged(false);
    case 'training':
      state.running = message.running;
      updateButtons();
      return searchPanel.pageModelChanged(message.running);
    case 'train-point':
      return onTrainPoint(message.point);
    case 'test-point':
      onTestPoint(message.point);
      return searchPanel.pageModelChanged(state.running);
    case 'prediction':
      return onPrediction(message.id, message.probabilities);
    case 'inspection':
      return onInspection(message.inspection);
    case 'saved':
      ui.modelStatus.textContent = `Saved ${message.fileName} (${(message.bytes.length / 1e6).toFixed(2)} MB)`;
      return download(message.fileName, new Uint8Array(message.bytes));
    case 'search-result':
    case 'search-model':
    case 'search-error':
      return searchPanel.onMessage(message);
    case 'error':
      state.predictionInFlight = false;
      showError(message.message);
      return;
  }
});
worker.addEventListener('error', (event) => showError(`training worker: ${event.message}`));

ui.isolation.textContent = crossOriginIsolated
  ? 'cross-origin isolated: threads share memory'
  : 'not cross-origin isolated: one thread (the server sends no COOP/COEP headers)';
ui.isolation.dataset.isolated = String(crossOriginIsolated);

ui.train.addEventListener('click', () => {
  showError('');
  send({ type: 'train', settings: trainSettings() });
});
ui.pause.addEventListener('click', () => send({ type: 'pause' }));
ui.reset.addEventListener('click', () => send({ type: 'reset', seed }));
for (const input of [ui.batchSize, ui.learningRate]) {
  input.addEventListener('change', () => {
    if (state.running) send({ type: 'train', settings: trainSettings() });
  });
}
ui.drawClear.addEventListener('click', () => drawPad.clear());
ui.save.addEventListener('click', () => send({ type: 'save' }));
ui.load.addEventListener('change', async () => {
  const file = ui.load.files?.[0];
  if (file === undefined) return;
  showError('');
  const bytes = new Uint8Array(await file.arrayBuffer());
  send({ type: 'load', name: file.name, bytes }, [bytes.buffer]);
  ui.load.value = '';
});

function inspect(index: number): void {
  if (!state.ready || state.testSize === 0) return;
  const clamped = Math.min(Math.max(0, Math.round(index)), state.testSize - 1);
  if (Number.isFinite(clamped)) send({ type: 'inspect', testIndex: clamped });
}
ui.testIndex.addEventListener('change', () => inspect(Number(ui.testIndex.value)));
ui.testPrevious.addEventListener('click', () => inspect(Number(ui.testIndex.value) - 1));
ui.testNext.addEventListener('click', () => inspect(Number(ui.testIndex.value) + 1));
window.addEventListener('resize', drawCurves);

updateButtons();
drawCurves();
send({ type: 'start', threads: threads !== null && threads > 0 ? threads : null, seed });
mountAppPanels();
