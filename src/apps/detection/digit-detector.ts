/**
 * digitDetector: a small anchor-free, CenterNet-style detector (Zhou et al. 2019, "Objects as
 * Points") as a model graph. Fully convolutional, so it runs on any input whose sides are
 * multiples of 8; outputs are at stride 4 (a 96x96 scene gives 24x24 maps):
 *
 *   image (1,H,W)
 *   stem    conv3x3 s2 1->w/2, BN, ReLU                          H/2
 *   down4   conv3x3 s2 w/2->w, BN, ReLU; conv3x3 w->w, BN, ReLU    H/4   (skip)
 *   down8   conv3x3 s2 w->2w, BN, ReLU; conv3x3 2w->2w, BN, ReLU   H/8
 *   up      nearest x2, concat with the H/4 skip (3w channels)      H/4
 *   neck    conv3x3 3w->w, BN, ReLU
 *   heads   each conv3x3 w->w, ReLU (node <name>Head), then the output node, a conv1x1:
 *             heatmap  numClasses logits: sigmoid = P(an object of class c is centred here)
 *             size     2: box width and height, in input pixels
 *             offset   2: the centre's sub-cell position, centre / 4 - floor(centre / 4)
 *
 * Convolutions followed by batch norm have no bias. The heatmap's last bias starts at
 * -log((1 - 0.1) / 0.1) so every cell starts at probability 0.1, as in CenterNet (otherwise the
 * many background cells swamp the focal loss at the start).
 */
import { BatchNorm2d } from '../../nn/batch-norm2d.js';
import { Concat } from '../../nn/concat.js';
import { Conv2d } from '../../nn/conv2d.js';
import { GraphBuilder, type GraphValue } from '../../nn/graph/graph-builder.js';
import type { Graph } from '../../nn/graph/graph.js';
import { ReLU } from '../../nn/relu.js';
import { Sequential } from '../../nn/sequential.js';
import { Upsample } from '../../nn/upsample.js';
import { Rng } from '../../rng.js';
import type { DType } from '../../tensor.js';

/** Output cells per input pixel, per axis: the maps are H/4 x W/4. */
export const DETECTOR_STRIDE = 4;
/** Input sides must be multiples of this (two stride-2 steps past the output stride). */
export const DETECTOR_SIZE_MULTIPLE = 8;
export const HEATMAP_PRIOR = 0.1;

export interface DigitDetectorOptions {
  /** Object classes (heatmap channels); default 10. */
  numClasses?: number;
  /** Seeds the initial weights; default 0. */
  seed?: number;
  /** The input side (or [height, width]) the graph declares; a multiple of 8; default 96. */
  imageSize?: number | readonly [number, number];
  /** Channels at stride 4 (w above); default 32. */
  width?: number;
  /** Input channels; default 1. */
  inChannels?: number;
  dtype?: DType;
}

export function digitDetector({
  numClasses = 10,
  seed = 0,
  imageSize = 96,
  width = 32,
  inChannels = 1,
  dtype = 'float32',
}: DigitDetectorOptions = {}): Graph {
  const [H, W] = typeof imageSize === 'number' ? [imageSize, imageSize] : imageSize;
  for (const [name, side] of [
    ['height', H],
    ['width', W],
  ] as const) {
    if (!Number.isInteger(side) || side < DETECTOR_SIZE_MULTIPLE || side % DETECTOR_SIZE_MULTIPLE) {
      throw new RangeError(
        `digitDetector: image ${name} must be a positive multiple of ${DETECTOR_SIZE_MULTIPLE}, got ${side}`,
      );
    }
  }
  for (const [name, n] of [
    ['numClasses', numClasses],
    ['width', width],
    ['inChannels', inChannels],
  ] as const) {
    if (!Number.isInteger(n) || n < 1 || (name === 'width' && n % 2)) {
      throw new RangeError(
        `digitDetector: ${name} must be a positive ${name === 'width' ? 'even ' : ''}integer, got ${n}`,
      );
    }
  }
  if (!Number.isInteger(seed))
    throw new RangeError(`digitDetector: seed must be an integer, got ${seed}`);
  const rng = new Rng(seed);
  const cbr = (inC: number, outC: number, stride = 1): Sequential =>
    new Sequential(
      new Conv2d(inC, outC, 3, { stride, padding: 1, bias: false, rng, dtype }),
      new BatchNorm2d(outC, { dtype }),
      new ReLU(),
    );
  const b = new GraphBuilder({
    description: `digitDetector: CenterNet-style, ${numClasses} classes, stride 4`,
  });
  const image = b.input('image', [inChannels, H, W]);
  const stem = b.sequential('stem', cbr(inChannels, width / 2, 2), image);
  const c4 = b.sequential(
    'down4',
    new Sequential(cbr(width / 2, width, 2), cbr(width, width)),
    stem,
  );
  const c8 = b.sequential(
    'down8',
    new Sequential(cbr(width, 2 * width, 2), cbr(2 * width, 2 * width)),
    c4,
  );
  const up = b.layer('up', new Upsample({ scaleFactor: 2, mode: 'nearest' }), c8);
  const joined = b.layer('join', new Concat(1), up, c4);
  const neck = b.sequential('neck', cbr(3 * width, width), joined);
  const head = (name: string, outC: number): { value: GraphValue; last: Conv2d } => {
    const hidden = new Sequential(
      new Conv2d(width, width, 3, { padding: 1, rng, dtype }),
      new ReLU(),
    );
    const last = new Conv2d(width, outC, 1, { rng, dtype });
    return { value: b.layer(name, last, b.sequential(`${name}Head`, hidden, neck)), last };
  };
  const heatmap = head('heatmap', numClasses);
  const size = head('size', 2);
  const offset = head('offset', 2);
  heatmap.last.bias?.data.fill(-Math.log((1 - HEATMAP_PRIOR) / HEATMAP_PRIOR));
  return b.build(heatmap.value, size.value, offset.value);
}
