/**
 * The messages between the application panels (panels/*-panel.ts) and their worker
 * (apps-worker.ts), which owns one detector and one segmenter, their training and the wasm
 * backend. Every message names its panel's app.
 */

export type AppName = 'detection' | 'segmentation';

/** A box in model pixels, its class and its score (apps.detection's Detection). */
export interface PanelDetection {
  box: { x1: number; y1: number; x2: number; y2: number };
  label: number;
  score: number;
}

export interface DetectionSettings {
  /** Boxes scoring below this are dropped. */
  scoreThreshold: number;
  /** At most this many boxes. */
  topK: number;
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = { scoreThreshold: 0.3, topK: 20 };

export type ToAppsWorker =
  /** Open a model file (bytes of a model.safetensors) as the app's model. */
  | { type: 'open'; app: AppName; name: string; bytes: Uint8Array }
  /** Train a new small model on generated scenes, or go on training the one being trained. */
  | { type: 'train'; app: AppName }
  | { type: 'stop'; app: AppName }
  /** The app's model as a model file (the format `convnet detect` / `convnet segment` read). */
  | { type: 'save'; app: AppName }
  /** Run the app's model on a (height, width) image in [0,1]; `id` comes back with the answer. */
  | {
      type: 'run';
      app: AppName;
      id: number;
      pixels: Float32Array;
      height: number;
      width: number;
      /** The detector's decoding; default DEFAULT_DETECTION_SETTINGS. */
      detection?: DetectionSettings;
    };

export interface AppModelInfo {
  /** The file's name, or what was trained here. */
  description: string;
  classNames: string[];
  /** 'file': opened; 'here': trained in the page. */
  origin: 'file' | 'here';
}

export interface AppProgress {
  step: number;
  /** Training scenes seen. */
  scenes: number;
  /** The mean loss of the last chunk of steps. */
  loss: number;
  scenesPerSecond: number;
  running: boolean;
}

export type FromAppsWorker =
  /** The backend is up (backend.path.description). */
  | { type: 'ready'; backend: string }
  | { type: 'model'; app: AppName; model: AppModelInfo }
  | { type: 'progress'; app: AppName; progress: AppProgress }
  /** Loading the digits the scenes are made from, before the first training step. */
  | { type: 'preparing'; app: AppName; what: string }
  | { type: 'detections'; id: number; detections: PanelDetection[] }
  /** A class per pixel, (height, width) row-major. */
  | { type: 'mask'; id: number; mask: Uint8Array; height: number; width: number }
  | { type: 'saved'; app: AppName; fileName: string; bytes: Uint8Array }
  | { type: 'error'; app: AppName; message: string };
