/**
 * The training worker: loads the embedded MNIST digits (in the background, after 'ready'), runs
 * the wasm backend (all cores when
 * the page is cross-origin isolated, one thread otherwise) and trains, evaluates, predicts,
 * inspects, saves and loads the model, so the page never waits on a kernel.
 *
 * Training runs in short chunks; between chunks the worker yields to its event loop, so a
 * prediction for the drawing pad or a pause is answered within one chunk (about 0.2 s).
 */
import {
  Tensor,
  createWasmBackend,
  data,
  io,
  nn,
  noGrad,
  optim,
  setBackend,
  train,
  viz,
  type WasmBackend,
} from 'convnet-ts/browser';
import { PIXELS, loadDigits } from './load-digits.js';
import type { FromWorker, LayerOutput, TestPoint, ToWorker, TrainSettings } from './protocol.js';
import { SearchHandler, type PageModel } from './search-handler.js';

const { Conv2d, Flatten } = nn;
const { crossEntropy, softmax } = nn.functional;
const { Adam } = optim;
const { DataLoader, MNIST_CLASS_NAMES, MNIST_IMAGE_SIZE } = data;
const { NonFiniteError, RunningMetrics, countCorrect, createTrainStep } = train;
const { buildModel, completeModelSpec, encodeModelFile, modelFromFile, modelInput } = io;

/** Training runs this long between two looks at the message queue. */
const CHUNK_MS = 200;
/** The test split is evaluated every this many steps. */
const EVALUATE_EVERY = 50;
const EVALUATION_BATCH = 500;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

/** Every node's output for x, in order (a Sequential's layers are a graph's nodes). */
function layerOutputs(
  model: nn.Graph,
  x: Tensor,
): { name: string; layer: nn.GraphLayer; y: Tensor }[] {
  const values = model.run(x, { keep: 'all' });
  return model.nodes().flatMap((node) => {
    const y = values.get(node.name);
    return y === undefined ? [] : [{ name: node.name, layer: node.layer, y }];
  });
}

/** What the page says when a file cannot be opened as a model; the details come last. */
function notAModelMessage(name: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `${name} is not a model file the playground can open. Open a .safetensors file saved with "Save model" or written by \`convnet train\` (model.safetensors in its --out directory). Details: ${reason}`;
}

function firstConv(model: nn.Graph): nn.Conv2d | null {
  for (const module of model.modules()) if (module instanceof Conv2d) return module;
  return null;
}

class Trainer {
  private readonly backend: WasmBackend;
  private readonly train: data.InMemoryDataset;
  private readonly test: data.InMemoryDataset;
  private model: nn.Graph;
  private spec: io.ModelSpec;
  private optimizer: optim.Adam;
  /** The training step fit() runs too, for this model and optimizer. */
  private trainStep: train.TrainStep;
  private modelId = 0;
  private description: string;
  private settings: TrainSettings = { batchSize: 64, learningRate: 1e-3 };
  private running = false;
  private loop: Promise<void> | null = null;
  private step = 0;
  private epoch = 0;
  private imagesThisEpoch = 0;
  private batches: Iterator<data.Batch, void> | null = null;
  /** The current epoch's batches and the last one taken (1-based), for error messages. */
  private batchesPerEpoch = 0;
  private batchInEpoch = 0;
  private inspectIndex = 0;

  constructor(
    backend: WasmBackend,
    train: data.InMemoryDataset,
    test: data.InMemoryDataset,
    seed: number,
  ) {
    this.backend = backend;
    this.train = train;
    this.test = test;
    this.spec = completeModelSpec({ preset: 'seed-net', options: { seed } });
    this.model = buildModel(this.spec);
    this.optimizer = new Adam(this.model.parameters(), { lr: this.settings.learningRate });
    this.trainStep = this.createStep();
    this.description = `seed-net (seed ${seed})`;
  }

  /** The logits must have the dataset's classes, whatever a loaded model's spec says. */
  private createStep(): train.TrainStep {
    return createTrainStep({
      model: this.model,
      optimizer: this.optimizer,
      numClasses: this.train.classNames.length,
      stepRunner: this.backend,
      caller: 'training',
    });
  }

  /** The model as the search panel embeds with it (search-handler.ts), and which weights. */
  searchModel(): PageModel {
    const { model, spec, description, modelId, step } = this;
    return { model, spec, description, modelId, step };
  }

  get isRunning(): boolean {
    return this.running;
  }

  private get normalize(): data.NormalizeOptions | undefined {
    return this.spec.normalize;
  }

  private get classNames(): string[] {
    return this.spec.classNames ?? [...MNIST_CLASS_NAMES];
  }

  /** A new model: the curves and the step count start again. */
  private replaceModel(model: nn.Graph, spec: io.ModelSpec, description: string) {
    this.running = false;
    this.model = model;
    this.model.train();
    this.spec = spec;
    this.description = description;
    this.optimizer = new Adam(model.parameters(), { lr: this.settings.learningRate });
    this.trainStep = this.createStep();
    this.modelId++;
    this.step = 0;
    this.epoch = 0;
    this.imagesThisEpoch = 0;
    this.batches = null;
    this.announceModel();
  }

  announceModel(): void {
    post({
      type: 'model',
      model: {
        modelId: this.modelId,
        description: this.description,
        classNames: this.classNames,
        spec: JSON.stringify(this.spec),
        architecture: this.architecture(),
      },
    });
  }

  /** The model's architecture picture, from shape inference over its graph. */
  private architecture(): string {
    return viz.architectureSvg(this.model, { title: this.description });
  }

  reset(seed: number): void {
    const spec = completeModelSpec({ preset: 'seed-net', options: { seed } });
    this.replaceModel(buildModel(spec), spec, `seed-net (seed ${seed})`);
    this.inspect(this.inspectIndex);
  }

  load(name: string, bytes: Uint8Array): void {
    let opened: io.LoadedModelFile;
    try {
      opened = modelFromFile(bytes, { source: name });
    } catch (error) {
      throw new Error(notAModelMessage(name, error), { cause: error });
    }
    const { spec, model } = opened;
    const { inChannels, imageSize } = modelInput(spec);
    if (
      inChannels !== 1 ||
      imageSize[0] !== MNIST_IMAGE_SIZE ||
      imageSize[1] !== MNIST_IMAGE_SIZE
    ) {
      throw new Error(
        `${name}: the model takes ${inChannels}x${imageSize[0]}x${imageSize[1]} images; the playground has 1x28x28 digits`,
      );
    }
    this.replaceModel(model, spec, name);
    this.postTestPoint();
    this.inspect(this.inspectIndex);
  }

  save(): void {
    const bytes = encodeModelFile(this.spec, this.model);
    const fileName = `${this.spec.name}-mnist-step${this.step}.safetensors`;
    post({ type: 'saved', fileName, bytes }, [bytes.buffer]);
  }

  configure(settings: TrainSettings): void {
    this.settings = settings;
    for (const group of this.optimizer.paramGroups) group.lr = settings.learningRate;
  }

  /**
   * Trains until paused, in chunks, yielding to the event loop between them. A second call while
   * the loop runs (or is about to notice a pause) only keeps it running. An error (a NaN loss)
   * ends the loop too, so that a later call can start it again.
   */
  async run(): Promise<void> {
    this.running = true;
    if (this.loop !== null) return;
    post({ type: 'training', running: true });
    this.loop = (async () => {
      try {
        while (this.running) {
          this.trainChunk();
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      } finally {
        this.running = false;
        this.loop = null;
        post({ type: 'training', running: false });
      }
    })();
    return this.loop;
  }

  pause(): void {
    this.running = false;
  }

  /** The next batch; a new epoch (new order, the current batch size) when one ends. */
  private nextBatch(): data.Batch {
    for (;;) {
      if (this.batches === null) {
        const loader = new DataLoader(this.train, {
          batchSize: this.settings.batchSize,
          shuffle: true,
          seed: this.spec.seed,
          normalize: this.normalize,
        });
        this.batches = loader.epoch(this.epoch);
        this.batchesPerEpoch = loader.batchesPerEpoch;
        this.batchInEpoch = 0;
      }
      const next = this.batches.next();
      if (next.done !== true) {
        this.batchInEpoch++;
        return next.value;
      }
      this.batches = null;
      this.epoch++;
      this.imagesThisEpoch = 0;
    }
  }

  private get epochsDone(): number {
    return this.epoch + this.imagesThisEpoch / this.train.length;
  }

  /**
   * Steps for about CHUNK_MS, then one point of the training curves. A NaN or infinite loss or
   * gradient stops training with the step's update not applied, so the model stays usable.
   */
  private trainChunk(): void {
    const started = performance.now();
    const metrics = new RunningMetrics();
    let trainingMs = 0;
    while (this.running && performance.now() - started < CHUNK_MS) {
      const batch = this.nextBatch();
      const stepStart = performance.now();
      const outcome = this.trainStep(batch.images, batch.labels);
      trainingMs += performance.now() - stepStart;
      if (outcome.failed) {
        throw new NonFiniteError({
          step: this.step + 1,
          epoch: this.epoch + 1,
          batch: this.batchInEpoch,
          batchesPerEpoch: this.batchesPerEpoch,
          loss: outcome.loss,
          location: outcome.location,
          lastCheckpoint: null,
        });
      }
      metrics.add(outcome);
      this.imagesThisEpoch += outcome.images;
      this.step++;
      if (this.step % EVALUATE_EVERY === 0) break;
    }
    const { images } = metrics;
    if (images > 0) {
      post({
        type: 'train-point',
        point: {
          step: this.step,
          epoch: this.epochsDone,
          loss: metrics.loss,
          accuracy: metrics.accuracy,
          images,
          trainingMs,
        },
      });
    }
    if (images > 0 && this.step % EVALUATE_EVERY === 0) {
      this.postTestPoint();
      this.inspect(this.inspectIndex);
    }
  }

  /** Loss and accuracy on the whole test split. */
  private evaluate(): TestPoint {
    const loader = new DataLoader(this.test, {
      batchSize: EVALUATION_BATCH,
      shuffle: false,
      normalize: this.normalize,
    });
    let lossSum = 0;
    let correct = 0;
    this.model.eval();
    try {
      for (const batch of loader.epoch(0)) {
        const outcome = this.backend.runStep([], () =>
          noGrad(() => {
            const logits = this.model.forward(batch.images);
            return {
              loss: crossEntropy(logits, batch.labels).item(),
              correct: countCorrect(logits.data, batch.labels, logits.shape[1]),
            };
          }),
        );
        lossSum += outcome.loss * batch.labels.length;
        correct += outcome.correct;
      }
    } finally {
      this.model.train();
    }
    const N = this.test.length;
    return { step: this.step, epoch: this.epochsDone, loss: lossSum / N, accuracy: correct / N };
  }

  private postTestPoint(): void {
    post({ type: 'test-point', point: this.evaluate() });
  }

  /** pixels in [0,1] as the model takes them: normalised when its spec says so. */
  private input(pixels: Float32Array): Tensor {
    const x = new Tensor(Float32Array.from(pixels), [1, 1, MNIST_IMAGE_SIZE, MNIST_IMAGE_SIZE]);
    const normalize = this.normalize;
    if (normalize !== undefined) {
      const [mean] = normalize.mean;
      const [std] = normalize.std;
      for (let i = 0; i < x.data.length; i++) x.data[i] = (x.data[i] - mean) / std;
    }
    return x;
  }

  /** Runs fn in evaluation mode without recording gradients. */
  private evaluating<T>(fn: () => T): T {
    this.model.eval();
    try {
      return noGrad(fn);
    } finally {
      this.model.train();
    }
  }

  predict(id: number, pixels: Float32Array): void {
    const probabilities = this.evaluating(() => {
      const logits = this.model.forward(this.input(pixels));
      return Float32Array.from(softmax(logits, 1).data);
    });
    post({ type: 'prediction', id, probabilities }, [probabilities.buffer]);
  }

  inspect(testIndex: number): void {
    if (!Number.isInteger(testIndex) || testIndex < 0 || testIndex >= this.test.length) {
      throw new RangeError(`test digit ${testIndex} is outside 0..${this.test.length - 1}`);
    }
    this.inspectIndex = testIndex;
    const image = this.test.images.data.slice(testIndex * PIXELS, (testIndex + 1) * PIXELS);
    const { layers, probabilities } = this.evaluating(() => {
      const outputs = layerOutputs(this.model, this.input(Float32Array.from(image)));
      const logits = outputs[outputs.length - 1].y;
      return {
        layers: outputs
          .filter(({ layer }) => !(layer instanceof Flatten)) // the previous maps, as a row
          .map(({ name, layer, y }): LayerOutput => ({
            name,
            typeName: layer.typeName,
            shape: y.shape.slice(1),
            values: Float32Array.from(y.data),
          })),
        probabilities: Float32Array.from(softmax(logits, 1).data),
      };
    });
    const conv = firstConv(this.model);
    const filters = conv === null ? new Float32Array(0) : Float32Array.from(conv.weight.data);
    post(
      {
        type: 'inspection',
        inspection: {
          testIndex,
          label: this.test.labels[testIndex],
          image: Float32Array.from(image),
          layers,
          filterShape: conv === null ? [] : [...conv.weight.shape],
          filters,
          probabilities,
          modelId: this.modelId,
        },
      },
      [filters.buffer, probabilities.buffer, ...layers.map((l) => l.values.buffer)],
    );
  }
}

/** Set as soon as the backend is ready; resolves once the digits are loaded. */
let trainer: Promise<Trainer> | null = null;
/** The search panel's work over the test digits, beside the trainer. */
let search: SearchHandler | null = null;

/**
 * Starts the backend and says 'ready' (the page enables its buttons), then loads the 21 MB of
 * digits in the background: messages that need the trainer wait for them ('data' says when).
 */
async function start(threads: number | null, seed: number): Promise<void> {
  // The digits are fetched and parsed only once the backend is up: on two cores, 21 MB of JSON
  // parsed beside the threads' start delayed 'ready' by about half a second.
  const backend = await createWasmBackend(threads === null ? {} : { threads });
  setBackend(backend);
  trainer = loadDigits().then((data) => {
    const created = new Trainer(backend, data.train, data.test, seed);
    search = new SearchHandler(backend, data.test, post);
    post({ type: 'data', trainSize: data.train.length, testSize: data.test.length });
    created.announceModel();
    created.inspect(0);
    return created;
  });
  post({
    type: 'ready',
    backend: backend.path.description,
    threads: backend.path.threads,
    sharedMemory: backend.path.sharedMemory,
  });
  await trainer;
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'start') return start(message.threads, message.seed);
  if (trainer === null) throw new Error(`'${message.type}' before the worker started`);
  const ready = await trainer;
  if (message.type === 'search' || message.type === 'search-load')
    return search?.handle(message, ready.searchModel());
  switch (message.type) {
    case 'train':
      ready.configure(message.settings);
      return ready.run();
    case 'pause':
      return ready.pause();
    case 'reset':
      return ready.reset(message.seed);
    case 'predict':
      return ready.predict(message.id, message.pixels);
    case 'inspect':
      return ready.inspect(message.testIndex);
    case 'save':
      return ready.save();
    case 'load':
      return ready.load(message.name, message.bytes);
  }
}

self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: unknown) => {
    void trainer?.then((ready) => ready.pause()).catch(() => {});
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  });
});
