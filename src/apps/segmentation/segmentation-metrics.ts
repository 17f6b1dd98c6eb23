/**
 * Segmentation metrics from a pixel confusion matrix C (K x K), C[t][p] = the pixels of true
 * class t predicted as p, pixels whose label is the ignore index left out:
 *
 *   IoU_k          = C[k][k] / (sum_p C[k][p] + sum_t C[t][k] - C[k][k])     (NaN if class k is
 *                    neither present nor predicted: 0/0)
 *   mean IoU       = the mean of IoU_k over the classes whose IoU is defined (background included)
 *   pixel accuracy = sum_k C[k][k] / sum C
 *
 * as torchmetrics' JaccardIndex (average='macro') and the usual VOC evaluation compute them.
 */
import { getBackend } from '../../kernels/backend.js';
import type { FloatArray } from '../../tensor.js';
import { IGNORE_INDEX } from './segmentation-set.js';

export interface SegmentationMetricsJson {
  classNames: string[];
  /** Row t, column p: pixels of class t predicted as p. */
  matrix: number[][];
  pixels: number;
  pixelAccuracy: number;
  meanIoU: number;
  /** null where undefined (class absent and never predicted). */
  iou: (number | null)[];
}

export class SegmentationConfusion {
  readonly numClasses: number;
  /** Row-major K x K counts. */
  readonly counts: Float64Array;

  constructor(numClasses: number) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new RangeError(`SegmentationConfusion: numClasses must be >= 1, got ${numClasses}`);
    }
    this.numClasses = numClasses;
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /** Counts each pixel's (label, prediction); labels equal to ignoreIndex are skipped. */
  add(labels: ArrayLike<number>, predictions: ArrayLike<number>, ignoreIndex = IGNORE_INDEX): void {
    const K = this.numClasses;
    if (labels.length !== predictions.length) {
      throw new RangeError(
        `SegmentationConfusion: ${labels.length} labels but ${predictions.length} predictions`,
      );
    }
    for (let i = 0; i < labels.length; i++) {
      const t = labels[i];
      if (t === ignoreIndex) continue;
      const p = predictions[i];
      if (!(t >= 0 && t < K && p >= 0 && p < K)) {
        throw new RangeError(
          `SegmentationConfusion: pixel ${i} has label ${t} and prediction ${p}; classes are 0..${K - 1}`,
        );
      }
      this.counts[t * K + p]++;
    }
  }

  get pixels(): number {
    return this.counts.reduce((s, v) => s + v, 0);
  }

  /** IoU of every class (NaN where the class is neither present nor predicted). */
  iou(): Float64Array {
    const K = this.numClasses;
    const out = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let row = 0;
      let col = 0;
      for (let j = 0; j < K; j++) {
        row += this.counts[k * K + j];
        col += this.counts[j * K + k];
      }
      const hit = this.counts[k * K + k];
      out[k] = hit / (row + col - hit);
    }
    return out;
  }

  /** The mean IoU over classes whose IoU is defined (NaN if none is). */
  meanIoU(): number {
    const defined = [...this.iou()].filter((v) => !Number.isNaN(v));
    return defined.reduce((s, v) => s + v, 0) / defined.length;
  }

  pixelAccuracy(): number {
    let hits = 0;
    for (let k = 0; k < this.numClasses; k++) hits += this.counts[k * this.numClasses + k];
    return hits / this.pixels;
  }

  toJson(classNames: readonly string[]): SegmentationMetricsJson {
    const K = this.numClasses;
    return {
      classNames: [...classNames],
      matrix: Array.from({ length: K }, (_, t) =>
        Array.from(this.counts.subarray(t * K, (t + 1) * K)),
      ),
      pixels: this.pixels,
      pixelAccuracy: this.pixelAccuracy(),
      meanIoU: this.meanIoU(),
      iou: [...this.iou()].map((v) => (Number.isNaN(v) ? null : v)),
    };
  }

  /** A table: one line per class with its IoU and pixel count, then mIoU and pixel accuracy. */
  format(classNames: readonly string[]): string {
    const K = this.numClasses;
    const iou = this.iou();
    const width = Math.max(5, ...classNames.map((n) => n.length));
    const lines = [`${'class'.padEnd(width)}  IoU      pixels`];
    for (let k = 0; k < K; k++) {
      let present = 0;
      for (let j = 0; j < K; j++) present += this.counts[k * K + j];
      const value = Number.isNaN(iou[k]) ? '  -    ' : `${(100 * iou[k]).toFixed(2).padStart(6)}%`;
      lines.push(
        `${(classNames[k] ?? String(k)).padEnd(width)}  ${value}  ${present.toLocaleString('en-US')}`,
      );
    }
    lines.push(
      `mean IoU ${(100 * this.meanIoU()).toFixed(2)}%, pixel accuracy ${(100 * this.pixelAccuracy()).toFixed(2)}%`,
    );
    return lines.join('\n');
  }
}

/**
 * The argmax over axis 1 of logits:(N,K,H,W) as (N*H*W) classes (the first maximum wins; a NaN
 * counts as -Infinity), or of its top-left (N,K,CH,CW) corner as (N*CH*CW) classes with `crop` =
 * [CH, CW] (a padded image's logits, cropped back). The argmax runs on the current backend
 * (the argmaxForward kernel, SIMD on the fast one); only the classes are cropped.
 */
export function argmaxPixels(
  logits: FloatArray | readonly number[],
  [N, K, H, W]: readonly number[],
  [CH, CW]: readonly [number, number] = [H, W],
): Uint8Array {
  const x = Array.isArray(logits) ? Float64Array.from(logits) : (logits as FloatArray);
  const classes = new Int32Array(N * H * W);
  getBackend().argmaxForward(classes, x, { outer: N, size: K, inner: H * W });
  if (CH === H && CW === W) return Uint8Array.from(classes);
  const out = new Uint8Array(N * CH * CW);
  for (let n = 0; n < N; n++) {
    for (let r = 0; r < CH; r++) {
      const from = (n * H + r) * W;
      out.set(classes.subarray(from, from + CW), (n * CH + r) * CW);
    }
  }
  return out;
}
