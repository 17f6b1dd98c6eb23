/**
 * Classifying image files with a trained model: what `convnet predict` and `convnet visualize`
 * call. An image is prepared the way the model's training images were (prepareImageFile):
 *
 *   'mnist-digit'  models trained on the MNIST digits (the dataset 'mnist', or a model file of
 *                  1 channel and the classes 0-9): the file is read as grayscale and made an
 *                  MNIST digit as the playground makes its drawings (src/data/digit-preprocess.ts):
 *                  light on dark, cropped to the ink, fitted into 20x20 keeping the aspect
 *                  ratio, centred by its centre of mass in 28x28, then resized to the model's
 *                  input if that is not 28x28.
 *   'fit'          Fashion-MNIST models: resized keeping the aspect ratio (the longer side fills
 *                  the input), padded with the image's background (the median of its border).
 *   'stretch'      models trained on an image folder (or of unknown origin): resized to the
 *                  input size as the folder's images were in training, so a non-square image is
 *                  stretched exactly as the training images were.
 *
 * Polarity. MNIST and Fashion-MNIST are light on dark. For models trained on them, `invert`
 * 'auto' (the default) inverts an image whose border is mostly bright (dark ink on light paper)
 * and says so in the prediction (`inverted`, and a note); true always inverts, false never.
 * For other models 'auto' leaves the image as it is.
 *
 * Every file gets an answer: its prediction or the reason it could not be read (predictFiles
 * never stops at the first bad file). Pixels are then normalised with the mean and std saved
 * in the model's spec, as in training.
 */
import { isAbsolute } from 'node:path';
import { noGrad } from '../autograd.js';
import {
  MNIST_FIELD_SIZE,
  detectPolarity,
  fitImage,
  prepareDigit,
} from '../data/digit-preprocess.js';
import { FASHION_MNIST_CLASS_NAMES } from '../data/fashion-mnist.js';
import { loadImage } from '../data/image-folder.js';
import { resizeImage } from '../data/resize.js';
import { Tensor } from '../tensor.js';
import { modelInput, type ModelSpec } from '../io/model-spec.js';
import { requireClassifier, type TrainedModel } from './trained-model.js';

/** How an image file is brought to the model's input (see the top of this file). */
export type InputPreparation = 'mnist-digit' | 'fit' | 'stretch';

export interface InputStyle {
  preparation: InputPreparation;
  /** The training images were light on dark (MNIST, Fashion-MNIST): 'auto' may invert. */
  lightOnDark: boolean;
}

function sameNames(names: readonly string[], expected: readonly string[]): boolean {
  return names.length === expected.length && names.every((name, k) => name === expected[k]);
}

const DIGIT_NAMES = Array.from({ length: 10 }, (_, k) => String(k));

/** How images are prepared for the model of this spec (see the top of this file). */
export function inputStyleOf(spec: ModelSpec): InputStyle {
  const { inChannels } = modelInput(spec);
  if (spec.dataset === 'mnist') return { preparation: 'mnist-digit', lightOnDark: true };
  if (spec.dataset === 'fashion-mnist') return { preparation: 'fit', lightOnDark: true };
  // An image folder is saved as its absolute path.
  if (spec.dataset !== null && isAbsolute(spec.dataset)) {
    return { preparation: 'stretch', lightOnDark: false };
  }
  // A model file written before it recorded its dataset: recognise the built-in datasets by
  // their classes.
  if (inChannels === 1 && sameNames(spec.classNames, DIGIT_NAMES)) {
    return { preparation: 'mnist-digit', lightOnDark: true };
  }
  if (inChannels === 1 && sameNames(spec.classNames, FASHION_MNIST_CLASS_NAMES)) {
    return { preparation: 'fit', lightOnDark: true };
  }
  return { preparation: 'stretch', lightOnDark: false };
}

export interface PrepareImageOptions {
  /** 'auto' (default): invert dark-on-light images for light-on-dark models; true: always; false: never. */
  invert?: boolean | 'auto';
  /** Override how the image is resized; default inputStyleOf(spec).preparation. */
  preparation?: InputPreparation;
}

/** An image file as the model takes it. */
export interface PreparedImage {
  /** (C,H,W), normalised with the spec's mean and std. */
  pixels: Float32Array;
  preparation: InputPreparation;
  /** Whether 1 - x was used. */
  inverted: boolean;
  /** What the user may want to know: an automatic inversion, an image with no ink. */
  notes: string[];
}

const INVERTED_NOTE = 'inverted: the image is dark on light, the model was trained light on dark';

/** Reads an image file and prepares it for the model of `spec` (see the top of this file). */
export function prepareImageFile(
  spec: ModelSpec,
  file: string,
  { invert = 'auto', preparation }: PrepareImageOptions = {},
): PreparedImage {
  const { inChannels: C, imageSize } = modelInput(spec);
  const [H, W] = imageSize;
  if (C !== 1 && C !== 3) {
    throw new Error(`the model takes ${C} channels; image files give 1 or 3`);
  }
  const style = inputStyleOf(spec);
  const how = preparation ?? style.preparation;
  const image = loadImage(file, { channels: C });
  const [, h, w] = image.shape;
  const inverted =
    invert === true ||
    (invert === 'auto' &&
      style.lightOnDark &&
      C === 1 &&
      detectPolarity({ width: w, height: h, data: image.pixels }) === 'dark-on-light');
  const notes = inverted && invert === 'auto' ? [INVERTED_NOTE] : [];
  if (how === 'mnist-digit' && C === 1) {
    const digit = prepareDigit(
      { width: w, height: h, data: image.pixels },
      { polarity: inverted ? 'invert' : 'as-is' },
    );
    if (digit.empty) notes.push('no ink found: the image is blank');
    const F = MNIST_FIELD_SIZE;
    const pixels = H === F && W === F ? digit.pixels : resizeImage(digit.pixels, [1, F, F], [H, W]);
    return { pixels: normalize(pixels, spec), preparation: how, inverted, notes };
  }
  const source = inverted ? image.pixels.map((v) => 1 - v) : image.pixels;
  const pixels =
    how === 'stretch'
      ? h === H && w === W
        ? source
        : resizeImage(source, image.shape, [H, W])
      : fitImage(source, image.shape, [H, W]);
  return { pixels: normalize(pixels, spec), preparation: how, inverted, notes };
}

/** (x - mean[c]) / std[c] per channel, in place; returns x. */
function normalize(x: Float32Array, spec: ModelSpec): Float32Array {
  const { inChannels: C } = modelInput(spec);
  const plane = x.length / C;
  for (let c = 0; c < C; c++) {
    const scale = 1 / spec.normalize.std[c];
    const shift = spec.normalize.mean[c];
    for (let p = c * plane; p < (c + 1) * plane; p++) x[p] = (x[p] - shift) * scale;
  }
  return x;
}

export interface ClassProbability {
  classIndex: number;
  className: string;
  probability: number;
}

export interface Prediction {
  file: string;
  /** The topK classes, most probable first. */
  top: ClassProbability[];
  preparation: InputPreparation;
  inverted: boolean;
  notes: string[];
}

/** A file that could not be classified, and why (the message names the file). */
export interface PredictionFailure {
  file: string;
  error: string;
}

export type FilePrediction = Prediction | PredictionFailure;

export function isPredictionFailure(result: FilePrediction): result is PredictionFailure {
  return 'error' in result;
}

export interface PredictOptions extends PrepareImageOptions {
  /** How many classes to list per image; default 3. */
  topK?: number;
}

/** softmax of one row of logits, in float64. */
function softmaxRow(logits: ArrayLike<number>, offset: number, K: number): number[] {
  let max = -Infinity;
  for (let k = 0; k < K; k++) max = Math.max(max, logits[offset + k]);
  const exps = Array.from({ length: K }, (_, k) => Math.exp(logits[offset + k] - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Classifies image files (PNG or JPEG), one answer per file in the order given: its top-k
 * classes, or the reason it could not be read. Throws only for what concerns every file (no
 * files, a bad topK, a model that takes neither 1 nor 3 channels).
 */
export function predictFiles(
  trained: TrainedModel,
  files: readonly string[],
  { topK = 3, ...prepare }: PredictOptions = {},
): FilePrediction[] {
  requireClassifier(trained, 'predict');
  const { spec, model } = trained;
  const { inChannels: C, imageSize } = modelInput(spec);
  const [H, W] = imageSize;
  const K = spec.classNames.length;
  if (files.length === 0) throw new Error('predict: no image files given');
  if (C !== 1 && C !== 3)
    throw new Error(`predict: the model takes ${C} channels; image files give 1 or 3`);
  if (!Number.isInteger(topK) || topK < 1)
    throw new RangeError(`predict: top-k must be a positive integer, got ${topK}`);
  const prepared: (PreparedImage | PredictionFailure)[] = files.map((file) => {
    try {
      return prepareImageFile(spec, file, prepare);
    } catch (error) {
      const message = messageOf(error);
      return { file, error: message.includes(file) ? message : `${file}: ${message}` };
    }
  });
  const good = prepared.flatMap((p) => ('pixels' in p ? [p] : []));
  const plane = C * H * W;
  const pixels = new Float32Array(good.length * plane);
  good.forEach((p, n) => pixels.set(p.pixels, n * plane));
  const logits =
    good.length === 0
      ? null
      : noGrad(() => model.eval().forward(new Tensor(pixels, [good.length, C, H, W])));
  let n = 0;
  return prepared.map((p, i): FilePrediction => {
    if (!('pixels' in p) || logits === null) return p as PredictionFailure;
    const probabilities = softmaxRow(logits.data, n++ * K, K);
    const top = probabilities
      .map((probability, classIndex) => ({
        classIndex,
        className: spec.classNames[classIndex],
        probability,
      }))
      .sort((a, b) => b.probability - a.probability || a.classIndex - b.classIndex)
      .slice(0, Math.min(topK, K));
    return {
      file: files[i],
      top,
      preparation: p.preparation,
      inverted: p.inverted,
      notes: p.notes,
    };
  });
}
