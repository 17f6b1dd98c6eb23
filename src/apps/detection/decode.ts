/**
 * From the detector's maps to boxes (CenterNet's decoding). For each image:
 *
 *   1. scores = sigmoid(heatmap logits); a cell is a peak when its score is the largest in its
 *      3x3 neighbourhood of the same class (a 3x3 max pool, stride 1, equal to itself): this is
 *      CenterNet's NMS-free peak extraction;
 *   2. the topK peaks over all classes, those with score >= scoreThreshold;
 *   3. each peak at cell (i, j) with offset (ox, oy) and size (w, h), in cells, becomes the box
 *      centred at ((i + ox) s, (j + oy) s) of width w s and height h s (s = the stride), clipped
 *      to the image;
 *   4. class-wise NMS at iouThreshold removes what the peak test left (overlapping peaks of
 *      one class, rare but possible).
 */
import type { Tensor } from '../../tensor.js';
import type { Detection } from './boxes.js';
import { DETECTOR_STRIDE } from './digit-detector.js';
import { nms } from './nms.js';

export interface DecodeOptions {
  /** At most this many detections per image; default 100 (COCO's maxDets). */
  topK?: number;
  /** Drop peaks scoring below this; default 0.05. */
  scoreThreshold?: number;
  /** Class-wise NMS threshold; default 0.5 (1 turns NMS off). */
  iouThreshold?: number;
  /** The input image's (height, width), for clipping; default the maps' size times the stride. */
  imageSize?: readonly [number, number];
  stride?: number;
}

const logistic = (x: number): number =>
  x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));

/**
 * Detections per image from heatmap logits (N, C, OH, OW), size (N, 2, OH, OW) and offset
 * (N, 2, OH, OW), best first.
 */
export function decodeDetections(
  maps: { heatmap: Tensor; size: Tensor; offset: Tensor },
  {
    topK = 100,
    scoreThreshold = 0.05,
    iouThreshold = 0.5,
    imageSize,
    stride = DETECTOR_STRIDE,
  }: DecodeOptions = {},
): Detection[][] {
  const [N, C, OH, OW] = maps.heatmap.shape;
  for (const [name, t] of [
    ['size', maps.size],
    ['offset', maps.offset],
  ] as const) {
    const [n, c, h, w] = t.shape;
    if (t.rank !== 4 || n !== N || c !== 2 || h !== OH || w !== OW) {
      throw new RangeError(
        `decodeDetections: ${name} must be (${N}, 2, ${OH}, ${OW}), got (${t.shape.join(', ')})`,
      );
    }
  }
  const [H, W] = imageSize ?? [OH * stride, OW * stride];
  const plane = OH * OW;
  const results: Detection[][] = [];
  for (let n = 0; n < N; n++) {
    const peaks: { score: number; label: number; at: number }[] = [];
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * plane;
      const hm = maps.heatmap.data;
      for (let y = 0; y < OH; y++) {
        for (let x = 0; x < OW; x++) {
          const v = hm[base + y * OW + x];
          let peak = true;
          for (let dy = -1; dy <= 1 && peak; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const yy = y + dy;
              const xx = x + dx;
              if (yy >= 0 && yy < OH && xx >= 0 && xx < OW && hm[base + yy * OW + xx] > v) {
                peak = false;
                break;
              }
            }
          }
          const score = logistic(v);
          if (peak && score >= scoreThreshold) peaks.push({ score, label: c, at: y * OW + x });
        }
      }
    }
    peaks.sort((a, b) => b.score - a.score || a.label - b.label || a.at - b.at);
    const detections = peaks.slice(0, topK).map(({ score, label, at }): Detection => {
      const i = at % OW;
      const j = (at - i) / OW;
      const s = (k: number) => maps.size.data[(n * 2 + k) * plane + at];
      const o = (k: number) => maps.offset.data[(n * 2 + k) * plane + at];
      const cx = (i + o(0)) * stride;
      const cy = (j + o(1)) * stride;
      const w = Math.max(0, s(0)) * stride;
      const h = Math.max(0, s(1)) * stride;
      const box = {
        x1: Math.min(W, Math.max(0, cx - w / 2)),
        y1: Math.min(H, Math.max(0, cy - h / 2)),
        x2: Math.min(W, Math.max(0, cx + w / 2)),
        y2: Math.min(H, Math.max(0, cy + h / 2)),
      };
      return { box, label, score };
    });
    results.push(nms(detections, iouThreshold));
  }
  return results;
}
