/**
 * COCO-style average precision (the bbox part of pycocotools' COCOeval, area range 'all', no
 * crowd boxes), per class and averaged:
 *
 *   for each IoU threshold t in 0.50, 0.55, ..., 0.95 and class c:
 *     each image's detections of c, best first, at most maxDetections, are matched greedily: a
 *     detection takes the unmatched ground-truth box of c with the highest IoU >= t, if any
 *     (a true positive), else it is a false positive;
 *     all images' detections of c are then ranked by score (ties in image order, as COCO's
 *     stable sort), giving precision P_k and recall R_k after the k-th;
 *     precision is made monotone, P_k <- max_{j >= k} P_j, and read at the 101 recalls
 *     r = 0, 0.01, ..., 1 (the first k with R_k >= r; 0 if recall never reaches r);
 *     AP_c(t) = the mean of those 101 values.
 *   AP@0.5 = mean over classes of AP_c(0.5); AP@[.5:.95] = mean over classes and thresholds.
 *
 * A class with no ground-truth boxes has no AP (NaN) and is left out of the means.
 */
import { boxIou, type Box, type Detection } from './boxes.js';

export interface GroundTruthObject {
  box: Box;
  label: number;
}

export interface ClassAp {
  /** AP at IoU 0.5. */
  ap50: number;
  /** AP averaged over IoU 0.50:0.05:0.95. */
  ap: number;
  /** Ground-truth boxes of the class. */
  count: number;
}

export interface DetectionMetrics {
  ap50: number;
  ap: number;
  /** AP at IoU 0.75, often quoted beside them. */
  ap75: number;
  perClass: ClassAp[];
}

export interface AveragePrecisionOptions {
  /** Default 0.50, 0.55, ..., 0.95. */
  iouThresholds?: readonly number[];
  /** Detections kept per image and class, best first; default 100. */
  maxDetections?: number;
}

/** COCO's thresholds, np.linspace(0.5, 0.95, 10) to the last bit: i * step + start, the last exact. */
export const COCO_IOU_THRESHOLDS: readonly number[] = Object.freeze(
  Array.from({ length: 10 }, (_, i) => (i === 9 ? 0.95 : i * ((0.95 - 0.5) / 9) + 0.5)),
);
const RECALL_POINTS = 101;

/** AP of one class at one threshold; NaN when there are no ground-truth boxes. */
export function classAveragePrecision(
  detections: readonly (readonly Detection[])[],
  truths: readonly (readonly GroundTruthObject[])[],
  label: number,
  iouThreshold: number,
  maxDetections = 100,
): number {
  const ranked: { score: number; tp: boolean }[] = [];
  let numTruths = 0;
  detections.forEach((imageDetections, n) => {
    const gts = (truths[n] ?? []).filter((g) => g.label === label);
    numTruths += gts.length;
    const dets = imageDetections
      .filter((d) => d.label === label)
      .map((d, i) => ({ d, i }))
      .sort((a, b) => b.d.score - a.d.score || a.i - b.i)
      .slice(0, maxDetections)
      .map((p) => p.d);
    const matched = new Uint8Array(gts.length);
    const t = Math.min(iouThreshold, 1 - 1e-10);
    for (const det of dets) {
      let best = -1;
      let bestIou = t;
      gts.forEach((g, j) => {
        if (matched[j]) return;
        const iou = boxIou(det.box, g.box);
        if (iou >= bestIou) {
          bestIou = iou;
          best = j;
        }
      });
      if (best >= 0) matched[best] = 1;
      ranked.push({ score: det.score, tp: best >= 0 });
    }
  });
  for (let n = detections.length; n < truths.length; n++) {
    numTruths += truths[n].filter((g) => g.label === label).length;
  }
  if (numTruths === 0) return NaN;
  const order = ranked.map((r, i) => ({ r, i })).sort((a, b) => b.r.score - a.r.score || a.i - b.i);
  const precision = new Float64Array(order.length);
  const recall = new Float64Array(order.length);
  let tp = 0;
  order.forEach(({ r }, k) => {
    if (r.tp) tp++;
    precision[k] = tp / (k + 1);
    recall[k] = tp / numTruths;
  });
  for (let k = order.length - 2; k >= 0; k--)
    precision[k] = Math.max(precision[k], precision[k + 1]);
  let total = 0;
  let k = 0;
  for (let p = 0; p < RECALL_POINTS; p++) {
    // np.linspace(0, 1, 101) to the last bit, as COCO's recThrs.
    const r = p === RECALL_POINTS - 1 ? 1 : p * (1 / (RECALL_POINTS - 1));
    while (k < order.length && recall[k] < r) k++;
    if (k < order.length) total += precision[k];
  }
  return total / RECALL_POINTS;
}

function meanOf(values: readonly number[]): number {
  const kept = values.filter((v) => !Number.isNaN(v));
  return kept.length === 0 ? NaN : kept.reduce((a, b) => a + b, 0) / kept.length;
}

/** AP@0.5, AP@0.75, AP@[.5:.95] and per-class APs of detections against ground truth, image by image. */
export function averagePrecision(
  detections: readonly (readonly Detection[])[],
  truths: readonly (readonly GroundTruthObject[])[],
  numClasses: number,
  { iouThresholds = COCO_IOU_THRESHOLDS, maxDetections = 100 }: AveragePrecisionOptions = {},
): DetectionMetrics {
  if (detections.length !== truths.length) {
    throw new RangeError(
      `averagePrecision: ${detections.length} images of detections but ${truths.length} of ground truth`,
    );
  }
  const at = (label: number, t: number) =>
    classAveragePrecision(detections, truths, label, t, maxDetections);
  const perClass: ClassAp[] = Array.from({ length: numClasses }, (_, label) => ({
    ap50: at(label, 0.5),
    ap: meanOf(iouThresholds.map((t) => at(label, t))),
    count: truths.reduce((sum, list) => sum + list.filter((g) => g.label === label).length, 0),
  }));
  return {
    ap50: meanOf(perClass.map((c) => c.ap50)),
    ap75: meanOf(Array.from({ length: numClasses }, (_, label) => at(label, 0.75))),
    ap: meanOf(perClass.map((c) => c.ap)),
    perClass,
  };
}
