/**
 * The application panels' worker (panels/detection-panel.ts, panels/segmentation-panel.ts): one
 * detector and one segmenter, each opened from a model file or trained here (train-here.ts),
 * run on what the user draws, and saved as model files. The page starts it the first time a
 * panel is used, so the classification worker (training-worker.ts) starts alone.
 *
 * Training here runs in chunks of about CHUNK_MS; after each chunk the worker reports progress,
 * answers the drawing again with the newer weights, and reads its messages (Stop, a drawing, a
 * file).
 */
import { apps, createWasmBackend, data, io, setBackend } from 'convnet-ts/browser';
import {
  DEFAULT_DETECTION_SETTINGS,
  type AppName,
  type FromAppsWorker,
  type ToAppsWorker,
} from './apps-protocol.js';
import { loadDigits } from './load-digits.js';
import {
  TRAIN_STEPS,
  TRAINED_HERE,
  detectionTrainer,
  segmentationTrainer,
  type AppModel,
} from './train-here.js';

/** The seed of the models trained here. */
const SEED = 1;

const CHUNK_MS = 250;
const OPEN_HINT: Record<AppName, string> = {
  detection:
    'open the model.safetensors that `convnet train --task detection --out DIR` writes in DIR, or press "Train here"',
  segmentation:
    'open the model.safetensors that `convnet train --task segmentation --out DIR` writes in DIR, or press "Train here"',
};
const NOUN: Record<AppName, string> = { detection: 'detector', segmentation: 'segmenter' };

function post(message: FromAppsWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

type RunMessage = Extract<ToAppsWorker, { type: 'run' }>;

const models: Record<AppName, AppModel | null> = { detection: null, segmentation: null };
const running: Record<AppName, boolean> = { detection: false, segmentation: false };
const lastRun: Record<AppName, RunMessage | null> = { detection: null, segmentation: null };

const backend = createWasmBackend().then((created) => {
  setBackend(created);
  post({ type: 'ready', backend: created.path.description });
  return created;
});
let digits: Promise<data.InMemoryDataset> | null = null;

function trainingDigits(app: AppName): Promise<data.InMemoryDataset> {
  if (digits === null) {
    post({ type: 'preparing', app, what: 'loading the 10,000 digits the scenes are made of…' });
    digits = loadDigits().then(
      (split) => split.train,
      (error: unknown) => {
        digits = null; // the next Train here tries again
        throw error;
      },
    );
  }
  return digits;
}

/** A model file as the app's model, or an error that says what to open instead. */
function openModel(app: AppName, name: string, bytes: Uint8Array): AppModel {
  let loaded: io.LoadedModelFile;
  try {
    loaded = io.modelFromFile(bytes, { source: name });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${name} is not a model file: ${OPEN_HINT[app]}. Details: ${reason}`);
  }
  const { spec, model } = loaded;
  if (spec.task !== app) {
    throw new Error(
      `${name} holds a${spec.task === 'embedding' ? 'n' : ''} ${spec.task} model (${spec.name}), not a ${NOUN[app]}: ${OPEN_HINT[app]}.`,
    );
  }
  if (app === 'detection') {
    const layout = apps.detection.detectorLayout(spec, model, name);
    return { model, spec, classNames: layout.classNames, stride: layout.stride, trainer: null };
  }
  const stride = apps.segmentation.segmenterStride(spec.graph);
  return { model, spec, classNames: [...(spec.classNames ?? [])], stride, trainer: null };
}

function describe(app: AppName, origin: 'file' | 'here', name: string): void {
  const current = models[app];
  if (current === null) return;
  post({
    type: 'model',
    app,
    model: { description: name, classNames: current.classNames, origin },
  });
}

/** Answers a drawing with the app's current model. */
function run(message: RunMessage): void {
  const current = models[message.app];
  if (current === null) return;
  const { pixels, height, width, id } = message;
  if (message.app === 'detection') {
    const { scoreThreshold, topK } = message.detection ?? DEFAULT_DETECTION_SETTINGS;
    const detections = apps.detection.detectImage(current.model, pixels, [height, width], {
      stride: current.stride,
      scoreThreshold,
      topK,
    });
    post({
      type: 'detections',
      id,
      detections: detections.map(({ box, label, score }) => ({ box: { ...box }, label, score })),
    });
    return;
  }
  const { mask } = apps.segmentation.segmentImage(current.model, pixels, [1, height, width], {
    stride: current.stride,
  });
  post({ type: 'mask', id, mask, height, width }, [mask.buffer]);
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function train(app: AppName): Promise<void> {
  if (running[app]) return;
  running[app] = true;
  try {
    let current = models[app];
    if (current?.trainer == null) {
      const pool = await trainingDigits(app);
      await backend;
      current =
        app === 'detection' ? detectionTrainer(pool, SEED) : segmentationTrainer(pool, SEED);
      models[app] = current;
      describe(app, 'here', TRAINED_HERE[app]);
    }
    const trainer = current.trainer;
    if (trainer === null) return;
    if (trainer.steps >= TRAIN_STEPS) return stop(app); // done: says so, running false
    while (running[app] && models[app] === current && trainer.steps < TRAIN_STEPS) {
      const started = performance.now();
      const before = trainer.scenes;
      let lossSum = 0;
      let steps = 0;
      while (performance.now() - started < CHUNK_MS && trainer.steps < TRAIN_STEPS) {
        lossSum += trainer.step();
        steps++;
      }
      const seconds = (performance.now() - started) / 1000;
      const done = trainer.steps >= TRAIN_STEPS;
      post({
        type: 'progress',
        app,
        progress: {
          step: trainer.steps,
          scenes: trainer.scenes,
          loss: lossSum / steps,
          scenesPerSecond: (trainer.scenes - before) / seconds,
          running: !done,
        },
      });
      const drawing = lastRun[app];
      if (drawing !== null) run(drawing);
      await yieldToEvents();
    }
  } finally {
    running[app] = false;
  }
}

function stop(app: AppName): void {
  running[app] = false;
  const trainer = models[app]?.trainer;
  if (trainer == null) return;
  post({
    type: 'progress',
    app,
    progress: {
      step: trainer.steps,
      scenes: trainer.scenes,
      loss: trainer.loss,
      scenesPerSecond: 0,
      running: false,
    },
  });
}

function save(app: AppName): void {
  const current = models[app];
  if (current === null) throw new Error(`there is no ${NOUN[app]} to save yet`);
  const bytes = io.encodeModelFile(current.spec, current.model);
  const fileName = `${app === 'detection' ? 'digit-detector' : 'unet-lite'}.safetensors`;
  post({ type: 'saved', app, fileName, bytes }, [bytes.buffer]);
}

async function handle(message: ToAppsWorker): Promise<void> {
  await backend;
  switch (message.type) {
    case 'open':
      stop(message.app); // a model being trained here gives way, and the page hears so
      models[message.app] = openModel(message.app, message.name, message.bytes);
      describe(message.app, 'file', message.name);
      return;
    case 'train':
      return train(message.app);
    case 'stop':
      return stop(message.app);
    case 'save':
      return save(message.app);
    case 'run':
      lastRun[message.app] = message;
      return run(message);
  }
}

self.addEventListener('message', (event: MessageEvent<ToAppsWorker>) => {
  const message = event.data;
  handle(message).catch((error: unknown) => {
    running[message.app] = false;
    post({
      type: 'error',
      app: message.app,
      message: error instanceof Error ? error.message : String(error),
    });
  });
});
