/**
 * U-Net-lite: a small U-Net (Ronneberger et al. 2015) as a model graph, for per-pixel classes.
 *
 *   encoder level l (l = 0..depth-1):  [conv3x3-BN-ReLU] x2 with base*2^l channels, then 2x2 max pool
 *   bottleneck:                       [conv3x3-BN-ReLU] x2 with base*2^depth channels
 *   decoder level l (l = depth-1..0): up to base*2^l channels at twice the size, either
 *                                     ConvTranspose2d(2x2, stride 2) (up: 'transpose') or
 *                                     nearest Upsample(x2) + conv3x3 (up: 'upsample'),
 *                                     Concat with encoder level l's output (the skip),
 *                                     [conv3x3-BN-ReLU] x2 with base*2^l channels
 *   head:                             conv1x1 to numClasses logits
 *
 *   x:(N,C,H,W) -> logits:(N,K,H,W)      H and W must be multiples of 2^depth (unetLiteStride)
 *
 * Convolutions before a BatchNorm have no bias (the norm's shift replaces it). Every 3x3
 * convolution pads by 1, so only the pools change sizes: an input whose sides are multiples of
 * the stride comes back at its own size. Node names say where a layer sits ('enc0.conv1',
 * 'up1', 'dec1.bn2', 'head'), and so do the state dict's keys.
 */
import { BatchNorm2d } from '../../nn/batch-norm2d.js';
import { Concat } from '../../nn/concat.js';
import { ConvTranspose2d } from '../../nn/conv-transpose2d.js';
import { Conv2d } from '../../nn/conv2d.js';
import type { Graph } from '../../nn/graph/graph.js';
import { GraphBuilder, type GraphValue } from '../../nn/graph/graph-builder.js';
import { MaxPool2d } from '../../nn/max-pool2d.js';
import { ReLU } from '../../nn/relu.js';
import { Upsample } from '../../nn/upsample.js';
import { Rng } from '../../rng.js';

export interface UnetLiteOptions {
  /** K, the logits per pixel; default 11 (digit-masks: background and ten digits). */
  numClasses?: number;
  /** Seeds the initial weights; default 0. */
  seed?: number;
  /** C, the image's channels; default 1. */
  inChannels?: number;
  /** Channels of the first level (doubled at each level down); default 16. */
  base?: number;
  /** The number of 2x2 pools (and of up-convolutions); default 2. */
  depth?: number;
  /**
   * Channels of each level, the bottleneck last (depth + 1 numbers); default base * 2^level.
   * Wider deep levels cost little (they see 1/4^level of the pixels) and are where digits are told apart.
   */
  widths?: readonly number[];
  /** [H, W] the graph's description gives its input (any multiple of the stride runs); default [64, 84]. */
  imageSize?: readonly [number, number];
  /** How the decoder doubles the size (see the top of this file); default 'upsample'. */
  up?: UnetUpMode;
}

export type UnetUpMode = 'transpose' | 'upsample';

export const UNET_LITE_DEFAULTS = {
  numClasses: 11,
  seed: 0,
  inChannels: 1,
  base: 16,
  depth: 2,
  imageSize: [64, 84] as const,
  up: 'upsample' as UnetUpMode,
};

/** The factor H and W must be multiples of: 2^depth. */
export function unetLiteStride(depth: number = UNET_LITE_DEFAULTS.depth): number {
  return 2 ** depth;
}

function checkCount(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`unetLite: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** The U-Net-lite graph (see the top of this file). */
export function unetLite(options: UnetLiteOptions = {}): Graph {
  const { numClasses, seed, inChannels, base, depth, imageSize, up } = {
    ...UNET_LITE_DEFAULTS,
    ...options,
  };
  const widths = options.widths ?? Array.from({ length: depth + 1 }, (_, l) => base * 2 ** l);
  checkCount(numClasses, 'numClasses', 1, 1000);
  checkCount(inChannels, 'inChannels', 1, 64);
  checkCount(base, 'base', 1, 256);
  checkCount(depth, 'depth', 1, 5);
  if (widths.length !== depth + 1) {
    throw new RangeError(
      `unetLite: widths must give depth + 1 = ${depth + 1} channel counts (the levels, then the bottleneck), got ${widths.length}`,
    );
  }
  for (const [level, width] of widths.entries()) checkCount(width, `widths[${level}]`, 1, 4096);
  const stride = unetLiteStride(depth);
  if (imageSize[0] % stride !== 0 || imageSize[1] % stride !== 0) {
    throw new RangeError(
      `unetLite: imageSize ${imageSize[0]}x${imageSize[1]} must be multiples of the stride ${stride} (2^depth); segment.ts pads other sizes`,
    );
  }
  if (up !== 'transpose' && up !== 'upsample') {
    throw new RangeError(`unetLite: up must be 'transpose' or 'upsample', got '${String(up)}'`);
  }
  const rng = new Rng(seed);
  const b = new GraphBuilder({
    description: `U-Net-lite: ${depth} levels of ${widths.join('/')} channels, ${numClasses} classes per pixel`,
  });
  const block = (name: string, input: GraphValue, inC: number, outC: number): GraphValue => {
    let value = input;
    for (const [i, c] of [inC, outC].entries()) {
      value = b.layer(
        `${name}.conv${i + 1}`,
        new Conv2d(c, outC, 3, { padding: 1, bias: false, rng }),
        value,
      );
      value = b.layer(`${name}.bn${i + 1}`, new BatchNorm2d(outC), value);
      value = b.layer(`${name}.relu${i + 1}`, new ReLU(), value);
    }
    return value;
  };
  const image = b.input('image', [inChannels, imageSize[0], imageSize[1]]);
  const skips: GraphValue[] = [];
  let value = image;
  let channels = inChannels;
  for (let level = 0; level < depth; level++) {
    const width = widths[level];
    value = block(`enc${level}`, value, channels, width);
    skips.push(value);
    value = b.layer(`pool${level}`, new MaxPool2d(2), value);
    channels = width;
  }
  value = block('bottleneck', value, channels, widths[depth]);
  channels = widths[depth];
  for (let level = depth - 1; level >= 0; level--) {
    const width = widths[level];
    if (up === 'transpose') {
      value = b.layer(
        `up${level}`,
        new ConvTranspose2d(channels, width, 2, { stride: 2, rng }),
        value,
      );
    } else {
      value = b.layer(
        `up${level}.resize`,
        new Upsample({ scaleFactor: 2, mode: 'nearest' }),
        value,
      );
      value = b.layer(
        `up${level}.conv`,
        new Conv2d(channels, width, 3, { padding: 1, rng }),
        value,
      );
    }
    value = b.layer(`skip${level}`, new Concat(1), skips[level], value);
    value = block(`dec${level}`, value, 2 * width, width);
    channels = width;
  }
  const logits = b.layer('head', new Conv2d(channels, numClasses, 1, { rng }), value);
  return b.build(logits);
}
