/**
 * Running a segmenter: logits (N,K,H,W) -> a class per pixel, on images of any size.
 *
 * A U-Net pools `stride` times over (unetLiteStride), so it takes sides that are multiples of
 * the stride. An image of another size is padded on the bottom and right with padValue (0: the
 * black background the digit scenes have) up to the next multiples, run, and the logits are
 * cropped back to the image's own H x W before the argmax:
 *
 *   x:(C,H,W) -> padded (C, ceil(H/s)*s, ceil(W/s)*s) -> logits (K, H', W') -> crop (K,H,W) -> mask (H,W)
 *
 * The model runs in eval mode (BatchNorm's running statistics) without recording gradients.
 */
import { noGrad } from '../../autograd.js';
import type { Layer } from '../../nn/module.js';
import { softmax } from '../../ops/softmax.js';
import { Tensor } from '../../tensor.js';
import { currentStepRunner, type StepRunner } from '../../train/step-runner.js';
import { argmaxPixels } from './segmentation-metrics.js';

export interface SegmentOptions {
  /** Sides are padded to multiples of this; default 1 (no padding). */
  stride?: number;
  /** The value padded pixels get; default 0. */
  padValue?: number;
}

export interface SegmentImageOptions extends SegmentOptions {
  /**
   * Also take each pixel's class probabilities (the softmax over the classes); default false,
   * since the classes need only the logits' argmax.
   */
  probabilities?: boolean;
  /**
   * Runs the forward pass; default the current backend's runStep, where every activation lives
   * in the kernels' memory and no kernel copies its operands.
   */
  stepRunner?: StepRunner;
}

export interface Segmentation {
  /** (H,W) classes. */
  mask: Uint8Array;
  /** (K,H,W) softmax probabilities, where asked for (`probabilities: true`); else null. */
  probabilities: Float32Array | null;
  numClasses: number;
}

const roundUp = (n: number, s: number): number => Math.ceil(n / s) * s;

/** Pads x:(N,C,H,W) to (N,C,PH,PW) with padValue on the bottom and right. */
export function padImages(
  x: Float32Array,
  [N, C, H, W]: readonly number[],
  [PH, PW]: readonly [number, number],
  padValue = 0,
): Float32Array {
  const y = new Float32Array(N * C * PH * PW).fill(padValue);
  for (let plane = 0; plane < N * C; plane++) {
    for (let r = 0; r < H; r++) {
      y.set(x.subarray((plane * H + r) * W, (plane * H + r + 1) * W), (plane * PH + r) * PW);
    }
  }
  return y;
}

/** Crops y:(N,K,PH,PW) to its top-left (N,K,H,W). */
export function cropMaps(
  y: ArrayLike<number>,
  [N, K, PH, PW]: readonly number[],
  [H, W]: readonly [number, number],
): Float32Array {
  const out = new Float32Array(N * K * H * W);
  for (let plane = 0; plane < N * K; plane++) {
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) out[(plane * H + r) * W + c] = y[(plane * PH + r) * PW + c];
    }
  }
  return out;
}

/**
 * The padded forward pass: y:(N,K,PH,PW), a function cropping such maps to (N,K,H,W), and that
 * shape.
 */
function forwardCropped(
  model: Layer,
  images: Float32Array,
  shape: readonly [number, number, number, number],
  { stride = 1, padValue = 0 }: SegmentOptions,
): { y: Tensor; crop: (t: Tensor) => Float32Array; shape: [number, number, number, number] } {
  const [N, C, H, W] = shape;
  const PH = roundUp(H, stride);
  const PW = roundUp(W, stride);
  const input = PH === H && PW === W ? images : padImages(images, shape, [PH, PW], padValue);
  model.eval();
  const y = noGrad(() => model.forward(new Tensor(input, [N, C, PH, PW])));
  const K = y.shape[1];
  const crop = (t: Tensor): Float32Array =>
    PH === H && PW === W ? Float32Array.from(t.data) : cropMaps(t.data, [N, K, PH, PW], [H, W]);
  return { y, crop, shape: [N, K, H, W] };
}

/**
 * The model's logits for images:(N,C,H,W), padded to the stride and cropped back: (N,K,H,W).
 * The model is left in eval mode.
 */
export function segmentLogits(
  model: Layer,
  images: Float32Array,
  shape: readonly [number, number, number, number],
  options: SegmentOptions = {},
): { logits: Float32Array; shape: [number, number, number, number] } {
  const { y, crop, shape: out } = forwardCropped(model, images, shape, options);
  return { logits: crop(y), shape: out };
}

/**
 * Classes, and probabilities if asked, of one image x:(C,H,W), any H and W (see the top of this
 * file). The probabilities are the softmax over the classes of the padded logits, taken by the
 * backend's kernel in the same step, then cropped like the logits.
 */
export function segmentImage(
  model: Layer,
  pixels: Float32Array,
  [C, H, W]: readonly [number, number, number],
  {
    stepRunner = currentStepRunner(),
    probabilities: withProbabilities = false,
    ...options
  }: SegmentImageOptions = {},
): Segmentation {
  return stepRunner.runStep([], () => {
    const { y, crop, shape: out } = forwardCropped(model, pixels, [1, C, H, W], options);
    return {
      mask: argmaxPixels(y.data, y.shape, [H, W]),
      probabilities: withProbabilities ? crop(noGrad(() => softmax(y, 1))) : null,
      numClasses: out[1],
    };
  });
}
