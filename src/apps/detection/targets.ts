/**
 * CenterNet training targets: what the detector's maps should read for a set of boxes.
 *
 * For an object of class c with box (x1, y1, x2, y2) in input pixels and stride s = 4, its centre
 * in output cells is p = ((x1 + x2) / 2s, (y1 + y2) / 2s) and its cell q = floor(p):
 *
 *   heatmap[c]  a Gaussian exp(-((i - qx)^2 + (j - qy)^2) / 2σ^2) splatted at q (elementwise max
 *               over objects), σ = (2r + 1) / 6, r = CenterNet's gaussian_radius of the box in
 *               cells at min_overlap 0.7 (floored, at least 0): 1 exactly at q, < 1 elsewhere
 *   size[:, q]  ((x2 - x1) / s, (y2 - y1) / s): width and height, in cells
 *   offset[:,q] p - q: the sub-cell position lost by the stride
 *   mask[q]     1 at object centres, 0 elsewhere (size and offset are 0 off the mask)
 *
 * Centres outside the output grid (a box of another image size) are skipped.
 */
import type { Box } from './boxes.js';
import { DETECTOR_STRIDE } from './digit-detector.js';

export interface TargetObject {
  box: Box;
  label: number;
}

export interface DetectionTargets {
  /** (N, numClasses, OH, OW). */
  heatmap: Float32Array;
  /** (N, 2, OH, OW): width, height in cells, at centres. */
  size: Float32Array;
  /** (N, 2, OH, OW): x, y sub-cell offsets in [0, 1), at centres. */
  offset: Float32Array;
  /** (N, 1, OH, OW): 1 at object centres. */
  mask: Float32Array;
  /** How many centres are marked (the losses' normaliser). */
  numObjects: number;
  /** The maps' height and width, ceil(H / stride) and ceil(W / stride). */
  OH: number;
  OW: number;
}

/** CenterNet's gaussian_radius (a box of this height and width, in cells; min_overlap 0.7). */
export function gaussianRadius(height: number, width: number, minOverlap = 0.7): number {
  const b1 = height + width;
  const c1 = (width * height * (1 - minOverlap)) / (1 + minOverlap);
  const r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;
  const b2 = 2 * (height + width);
  const c2 = (1 - minOverlap) * width * height;
  const r2 = (b2 + Math.sqrt(b2 * b2 - 16 * c2)) / 2;
  const a3 = 4 * minOverlap;
  const b3 = -2 * minOverlap * (height + width);
  const c3 = (minOverlap - 1) * width * height;
  const r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
  return Math.min(r1, r2, r3);
}

/** Splats a Gaussian peak of radius r at (cx, cy) into one (OH, OW) plane by elementwise max. */
function splat(
  plane: Float32Array,
  OH: number,
  OW: number,
  cx: number,
  cy: number,
  r: number,
): void {
  const sigma = (2 * r + 1) / 6;
  for (let y = Math.max(0, cy - r); y <= Math.min(OH - 1, cy + r); y++) {
    for (let x = Math.max(0, cx - r); x <= Math.min(OW - 1, cx + r); x++) {
      const g = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
      if (g > plane[y * OW + x]) plane[y * OW + x] = g;
    }
  }
}

/** Targets for a batch: objects[n] are image n's, the images (H, W) in pixels. */
export function detectionTargets(
  objects: readonly (readonly TargetObject[])[],
  [H, W]: readonly [number, number],
  numClasses: number,
  stride = DETECTOR_STRIDE,
): DetectionTargets {
  const OH = Math.ceil(H / stride);
  const OW = Math.ceil(W / stride);
  const N = objects.length;
  const plane = OH * OW;
  const heatmap = new Float32Array(N * numClasses * plane);
  const size = new Float32Array(N * 2 * plane);
  const offset = new Float32Array(N * 2 * plane);
  const mask = new Float32Array(N * plane);
  let numObjects = 0;
  objects.forEach((list, n) => {
    for (const { box, label } of list) {
      if (!(Number.isInteger(label) && label >= 0 && label < numClasses)) {
        throw new RangeError(
          `detectionTargets: image ${n} has label ${label}, outside [0, ${numClasses})`,
        );
      }
      const px = (box.x1 + box.x2) / 2 / stride;
      const py = (box.y1 + box.y2) / 2 / stride;
      const qx = Math.floor(px);
      const qy = Math.floor(py);
      if (qx < 0 || qy < 0 || qx >= OW || qy >= OH) continue;
      const w = (box.x2 - box.x1) / stride;
      const h = (box.y2 - box.y1) / stride;
      const r = Math.max(0, Math.floor(gaussianRadius(h, w)));
      splat(
        heatmap.subarray((n * numClasses + label) * plane, (n * numClasses + label + 1) * plane),
        OH,
        OW,
        qx,
        qy,
        r,
      );
      const at = qy * OW + qx;
      if (mask[n * plane + at] === 0) numObjects++;
      mask[n * plane + at] = 1;
      size[n * 2 * plane + at] = w;
      size[(n * 2 + 1) * plane + at] = h;
      offset[n * 2 * plane + at] = px - qx;
      offset[(n * 2 + 1) * plane + at] = py - qy;
    }
  });
  return { heatmap, size, offset, mask, numObjects, OH, OW };
}
