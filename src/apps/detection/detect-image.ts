/**
 * Detecting the objects in one grayscale image of any size (browser-safe: `convnet detect` and
 * the playground run it). The detector takes sides that are multiples of 2 x its stride (its
 * concat skip joins maps of stride s and 2s), so the image is padded with 0 (the black
 * background of digit scenes) on the bottom and right to the next multiples, run in eval mode
 * without gradients, and decoded with boxes clipped to the image's own H x W:
 *
 *   pixels (H,W) -> padded (1,1,PH,PW) -> heatmap, size, offset -> decodeDetections -> boxes
 */
import { noGrad } from '../../autograd.js';
import type { Graph } from '../../nn/graph/graph.js';
import { Tensor } from '../../tensor.js';
import type { Detection } from './boxes.js';
import { decodeDetections, type DecodeOptions } from './decode.js';

export interface DetectImageOptions extends Omit<DecodeOptions, 'imageSize' | 'stride'> {
  /** The detector's stride (detectorLayout). */
  stride: number;
}

/** The detections in pixels:(H,W) in [0,1], best first (see the top of this file). */
export function detectImage(
  model: Graph,
  pixels: Float32Array,
  [H, W]: readonly [number, number],
  { stride, ...decode }: DetectImageOptions,
): Detection[] {
  if (pixels.length !== H * W) {
    throw new RangeError(`detectImage: ${pixels.length} pixels for a ${H}x${W} image`);
  }
  const m = 2 * stride;
  const PH = Math.ceil(H / m) * m;
  const PW = Math.ceil(W / m) * m;
  const padded = Tensor.zeros([1, 1, PH, PW]);
  for (let y = 0; y < H; y++) padded.data.set(pixels.subarray(y * W, (y + 1) * W), y * PW);
  model.eval();
  return noGrad(() => {
    const out = model.run(padded);
    const get = (name: string): Tensor => {
      const t = out.get(name);
      if (t === undefined) throw new Error(`detectImage: the model has no output '${name}'`);
      return t;
    };
    return decodeDetections(
      { heatmap: get('heatmap'), size: get('size'), offset: get('offset') },
      { ...decode, imageSize: [H, W], stride },
    )[0];
  });
}
