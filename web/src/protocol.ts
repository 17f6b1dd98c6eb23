/**
 * The messages between the page (main.ts) and the training worker (training-worker.ts). The
 * worker owns the model, the optimizer, the data and the wasm backend; the page only draws.
 * The search panel's messages are in search-protocol.ts.
 */
import type { SearchFromWorker, SearchToWorker } from './search-protocol.js';

export interface TrainSettings {
  batchSize: number;
  learningRate: number;
}

export type ToWorker =
  /** Load the digits, start the backend (threads: null = all cores) and build the model. */
  | { type: 'start'; threads: number | null; seed: number }
  | { type: 'train'; settings: TrainSettings }
  | { type: 'pause' }
  /** A new model from the seed; the curves start again. */
  | { type: 'reset'; seed: number }
  /** Class probabilities for one 28x28 image in [0,1] (row-major). */
  | { type: 'predict'; id: number; pixels: Float32Array }
  /** Every layer's output and the first-layer filters for one test digit. */
  | { type: 'inspect'; testIndex: number }
  | { type: 'save' }
  | { type: 'load'; name: string; bytes: Uint8Array }
  | SearchToWorker;

/** One point of the training curves, over the steps since the previous point. */
export interface TrainPoint {
  step: number;
  /** Epochs done, fractional. */
  epoch: number;
  loss: number;
  accuracy: number;
  /** Images trained on since the previous point, and the time the steps took (ms). */
  images: number;
  trainingMs: number;
}

/** The whole test split, evaluated after `step` steps. */
export interface TestPoint {
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
}

/** One layer's output for one image: (C,H,W) maps, or (F) values for a fully connected layer. */
export interface LayerOutput {
  /** Dotted name, e.g. 'features.0'. */
  name: string;
  /** 'Conv2d', 'ReLU', 'MaxPool2d', 'Linear', ... */
  typeName: string;
  /** [C, H, W] or [F]. */
  shape: number[];
  values: Float32Array;
}

export interface Inspection {
  testIndex: number;
  label: number;
  /** The test image, 28x28 in [0,1]. */
  image: Float32Array;
  layers: LayerOutput[];
  /** The first convolution's weights, [F, C, KH, KW]. */
  filterShape: number[];
  filters: Float32Array;
  probabilities: Float32Array;
  /** Which model: a counter that changes on reset and load. */
  modelId: number;
}

export interface ModelInfo {
  modelId: number;
  /** 'seed-net (seed 1)', or the name of the loaded file. */
  description: string;
  classNames: string[];
  /** The spec as the model file stores it (JSON). */
  spec: string;
  /** The architecture picture (viz.architectureSvg), an SVG document. */
  architecture: string;
}

export type FromWorker =
  | {
      type: 'ready';
      /** backend.path.description, e.g. 'wasm relaxed-simd, 2 threads (shared memory)'. */
      backend: string;
      threads: number;
      sharedMemory: boolean;
    }
  /** The digits have arrived (they load in the background after 'ready'). */
  | { type: 'data'; trainSize: number; testSize: number }
  | { type: 'model'; model: ModelInfo }
  | { type: 'training'; running: boolean }
  | { type: 'train-point'; point: TrainPoint }
  | { type: 'test-point'; point: TestPoint }
  | { type: 'prediction'; id: number; probabilities: Float32Array }
  | { type: 'inspection'; inspection: Inspection }
  | { type: 'saved'; fileName: string; bytes: Uint8Array }
  | { type: 'error'; message: string }
  | SearchFromWorker;
