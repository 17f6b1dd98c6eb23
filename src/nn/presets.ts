/**
 * Model presets, each a Sequential of two named Sequentials, `features` (convolutions) and
 * `classifier` (the fully connected head), so that parameter names read `features.0.weight`
 * and `classifier.3.bias` as in torchvision. Each is built from a seed: the same options give
 * the same weights. The size of the first fully connected layer is computed by shape inference
 * from imageSize (src/shape.ts through each layer's outputShape), never written by hand.
 *
 *   seedNet     the tutorial's pipeline: conv3x3 1->32 pad 1, ReLU, max pool 2, conv3x3 32->64
 *               pad 1, ReLU, max pool 2, flatten, linear 3136->128, ReLU, linear 128->10
 *               (421,642 parameters on 28x28 inputs)
 *   lenet5      LeCun et al. 1998 adapted to 28x28: conv5x5 pad 2 1->6, act, pool 2, conv5x5
 *               6->16, act, pool 2, flatten, linear 400->120, act, 120->84, act, 84->10
 *               (61,706 parameters). Default ReLU and max pooling, the modern adaptation;
 *               { activation: 'tanh', pooling: 'avg' } is closer to the original (which also
 *               had trainable subsampling and a sparse conv2 connection table, left out here).
 *   fashionNet  a stronger small net for Fashion-MNIST: two blocks of (conv3x3-BN-ReLU) x2 and
 *               max pool 2 (32 then 64 channels, convs without bias since batch norm follows),
 *               then flatten, dropout, linear 3136->128, ReLU, dropout, linear 128->10
 *               (468,010 parameters on 28x28 inputs)
 */
import { Rng } from '../rng.js';
import { ShapeError, type Pair } from '../shape/shape-error.js';
import { sizeOf, type DType } from '../tensor.js';
import { AvgPool2d } from './avg-pool2d.js';
import { BatchNorm2d } from './batch-norm2d.js';
import { checkInteger, checkPair, checkProbability, formatPair } from './check-args.js';
import { Conv2d } from './conv2d.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import { MaxPool2d } from './max-pool2d.js';
import type { Layer } from './module.js';
import { ReLU } from './relu.js';
import { Sequential } from './sequential.js';
import { Tanh } from './tanh.js';

export interface PresetOptions {
  /** Seeds the initial weights (and the dropout masks); default 0. */
  seed?: number;
  /** Channels of the input images; default 1 (grayscale). */
  inChannels?: number;
  /** Outputs of the last layer; default 10. */
  numClasses?: number;
  /** Input height and width (one number for square images); default 28. */
  imageSize?: Pair;
  /** The parameters' dtype; default 'float32'. */
  dtype?: DType;
}

export interface LeNet5Options extends PresetOptions {
  /** Default 'relu'. */
  activation?: 'relu' | 'tanh';
  /** Default 'max'. */
  pooling?: 'max' | 'avg';
}

export interface FashionNetOptions extends PresetOptions {
  /** Dropout probability before each fully connected layer; default 0.25. */
  dropout?: number;
}

interface CheckedPresetOptions {
  rng: Rng;
  inChannels: number;
  numClasses: number;
  imageSize: [number, number];
  dtype: DType;
}

function checkPresetOptions(
  { seed = 0, inChannels = 1, numClasses = 10, imageSize = 28, dtype = 'float32' }: PresetOptions,
  preset: string,
): CheckedPresetOptions {
  if (!Number.isInteger(seed))
    throw new RangeError(`${preset}: seed must be an integer, got ${seed}`);
  return {
    rng: new Rng(seed),
    inChannels: checkInteger(inChannels, 'inChannels', preset),
    numClasses: checkInteger(numClasses, 'numClasses', preset),
    imageSize: checkPair(imageSize, 'imageSize', preset),
    dtype,
  };
}

/** C*H*W of the features' output for one image, or an error naming the preset and the size. */
function flatFeatures(features: Sequential, options: CheckedPresetOptions, preset: string): number {
  const [H, W] = options.imageSize;
  try {
    return sizeOf(features.outputShape([1, options.inChannels, H, W]).slice(1));
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new ShapeError(
      `${preset}: imageSize ${formatPair(options.imageSize)} is too small for its layers: ${error.message}`,
      { cause: error },
    );
  }
}

/** The tutorial's network (see the top of this file). */
export function seedNet(options: PresetOptions = {}): Sequential {
  const preset = 'seedNet';
  const checked = checkPresetOptions(options, preset);
  const { rng, dtype, inChannels, numClasses } = checked;
  const features = new Sequential(
    new Conv2d(inChannels, 32, 3, { padding: 1, rng, dtype }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1, rng, dtype }),
    new ReLU(),
    new MaxPool2d(2),
  );
  const classifier = new Sequential(
    new Flatten(),
    new Linear(flatFeatures(features, checked, preset), 128, { rng, dtype }),
    new ReLU(),
    new Linear(128, numClasses, { rng, dtype }),
  );
  return Sequential.named({ features, classifier });
}

/** LeNet-5 adapted to 28x28 (see the top of this file). */
export function lenet5(options: LeNet5Options = {}): Sequential {
  const preset = 'lenet5';
  const { activation = 'relu', pooling = 'max' } = options;
  if (activation !== 'relu' && activation !== 'tanh') {
    throw new RangeError(
      `${preset}: activation must be 'relu' or 'tanh', got '${String(activation)}'`,
    );
  }
  if (pooling !== 'max' && pooling !== 'avg') {
    throw new RangeError(`${preset}: pooling must be 'max' or 'avg', got '${String(pooling)}'`);
  }
  const checked = checkPresetOptions(options, preset);
  const { rng, dtype, inChannels, numClasses } = checked;
  const act = (): Layer => (activation === 'relu' ? new ReLU() : new Tanh());
  const pool = (): Layer => (pooling === 'max' ? new MaxPool2d(2) : new AvgPool2d(2));
  const features = new Sequential(
    new Conv2d(inChannels, 6, 5, { padding: 2, rng, dtype }),
    act(),
    pool(),
    new Conv2d(6, 16, 5, { rng, dtype }),
    act(),
    pool(),
  );
  const classifier = new Sequential(
    new Flatten(),
    new Linear(flatFeatures(features, checked, preset), 120, { rng, dtype }),
    act(),
    new Linear(120, 84, { rng, dtype }),
    act(),
    new Linear(84, numClasses, { rng, dtype }),
  );
  return Sequential.named({ features, classifier });
}

/** A small batch-normalised net with dropout for Fashion-MNIST (see the top of this file). */
export function fashionNet(options: FashionNetOptions = {}): Sequential {
  const preset = 'fashionNet';
  const p = checkProbability(options.dropout ?? 0.25, 'dropout', preset);
  const checked = checkPresetOptions(options, preset);
  const { rng, dtype, inChannels, numClasses } = checked;
  // The masks get their own stream, drawn once from the seed, so that they do not depend on
  // how many numbers the initialisation used.
  const dropoutRng = new Rng(rng.nextUint32());
  const block = (from: number, to: number): Layer[] => [
    new Conv2d(from, to, 3, { padding: 1, bias: false, rng, dtype }),
    new BatchNorm2d(to, { dtype }),
    new ReLU(),
  ];
  const features = new Sequential(
    ...block(inChannels, 32),
    ...block(32, 32),
    new MaxPool2d(2),
    ...block(32, 64),
    ...block(64, 64),
    new MaxPool2d(2),
  );
  const classifier = new Sequential(
    new Flatten(),
    new Dropout(p, { rng: dropoutRng }),
    new Linear(flatFeatures(features, checked, preset), 128, { rng, dtype }),
    new ReLU(),
    new Dropout(p, { rng: dropoutRng }),
    new Linear(128, numClasses, { rng, dtype }),
  );
  return Sequential.named({ features, classifier });
}
