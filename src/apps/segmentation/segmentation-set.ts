/**
 * A segmentation dataset in memory: N images of one size and, for each, a mask giving every
 * pixel a class.
 *
 *   images (N,C,H,W) float32 in [0,1]      masks (N,H,W) uint8: a class in [0, K) or IGNORE_INDEX
 *
 * IGNORE_INDEX (255) marks pixels that neither train nor count in metrics, as Pascal VOC's masks
 * mark object borders. getBatch copies images into a tensor and masks into the Int32Array labels
 * crossEntropy takes for (N,K,H,W) logits, so the ignored pixels reach the loss as its
 * ignoreIndex.
 */
import { Tensor } from '../../tensor.js';

/** The mask value of pixels that count for nothing (Pascal VOC's 255). */
export const IGNORE_INDEX = 255;
/** The most classes a uint8 mask can hold beside IGNORE_INDEX. */
export const MAX_SEGMENTATION_CLASSES = 255;

/** A batch: images (B,C,H,W) and labels (B*H*W) in mask order, IGNORE_INDEX kept. */
export interface SegmentationBatch {
  images: Tensor;
  labels: Int32Array;
}

/** The first mask value that is neither a class in [0, K) nor IGNORE_INDEX, or -1. */
export function firstBadMaskValue(mask: ArrayLike<number>, numClasses: number): number {
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i];
    if (v !== IGNORE_INDEX && !(v >= 0 && v < numClasses)) return i;
  }
  return -1;
}

export class SegmentationSet {
  readonly images: Float32Array;
  readonly masks: Uint8Array;
  readonly classNames: readonly string[];
  readonly length: number;
  /** (C,H,W) of every image. */
  readonly imageShape: readonly [number, number, number];

  /** Wraps the arrays (not copied); `source` names the set in errors. */
  constructor(
    images: Float32Array,
    masks: Uint8Array,
    [N, C, H, W]: readonly [number, number, number, number],
    classNames: readonly string[],
    source = 'SegmentationSet',
  ) {
    if (images.length !== N * C * H * W || masks.length !== N * H * W) {
      throw new RangeError(
        `${source}: (${N},${C},${H},${W}) images need ${N * C * H * W} values and masks ${N * H * W}, got ${images.length} and ${masks.length}`,
      );
    }
    const K = classNames.length;
    if (K < 1 || K > MAX_SEGMENTATION_CLASSES) {
      throw new RangeError(
        `${source}: needs 1 to ${MAX_SEGMENTATION_CLASSES} class names, got ${K}`,
      );
    }
    const bad = firstBadMaskValue(masks, K);
    if (bad >= 0) {
      const n = Math.floor(bad / (H * W));
      const p = bad % (H * W);
      throw new RangeError(
        `${source}: mask ${n} has value ${masks[bad]} at row ${Math.floor(p / W)}, column ${p % W}: classes are 0..${K - 1} (or ${IGNORE_INDEX}, ignored)`,
      );
    }
    this.images = images;
    this.masks = masks;
    this.classNames = Object.freeze([...classNames]);
    this.length = N;
    this.imageShape = [C, H, W];
  }

  /** The images and masks at the given indices, copied. */
  getBatch(indices: ArrayLike<number>): SegmentationBatch {
    const [C, H, W] = this.imageShape;
    const B = indices.length;
    const images = Tensor.zeros([B, C, H, W]);
    const labels = new Int32Array(B * H * W);
    for (let i = 0; i < B; i++) {
      const k = indices[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.length) {
        throw new RangeError(`SegmentationSet: index ${k} is outside the set of ${this.length}`);
      }
      images.data.set(this.images.subarray(k * C * H * W, (k + 1) * C * H * W), i * C * H * W);
      labels.set(this.masks.subarray(k * H * W, (k + 1) * H * W), i * H * W);
    }
    return { images, labels };
  }

  /** The first `count` examples (shared, not copied). */
  take(count: number): SegmentationSet {
    const n = Math.min(Math.max(0, Math.floor(count)), this.length);
    const [C, H, W] = this.imageShape;
    return new SegmentationSet(
      this.images.subarray(0, n * C * H * W),
      this.masks.subarray(0, n * H * W),
      [n, C, H, W],
      this.classNames,
    );
  }
}
