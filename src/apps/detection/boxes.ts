/**
 * Axis-aligned boxes and their overlap. A Box is in pixel coordinates, corners (x1, y1) top-left
 * and (x2, y2) bottom-right, x2 >= x1 and y2 >= y1; a pixel column c spans [c, c + 1), so the
 * tight box of ink in columns 3..7 is x1 = 3, x2 = 8 (COCO's convention). COCO files store
 * [x, y, width, height]; boxFromXywh / boxToXywh convert.
 *
 *   area(b) = (x2 - x1) (y2 - y1)
 *   IoU(a, b) = area(a ∩ b) / (area(a) + area(b) - area(a ∩ b))     (0 when the union is empty)
 */

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A box found by a detector: where, which class, how sure. */
export interface Detection {
  box: Box;
  /** Class index, 0-based. */
  label: number;
  /** Confidence in [0, 1]. */
  score: number;
}

export function boxFromXywh([x, y, w, h]: readonly number[]): Box {
  return { x1: x, y1: y, x2: x + w, y2: y + h };
}

export function boxToXywh(b: Box): [number, number, number, number] {
  return [b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1];
}

export function boxArea(b: Box): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

/** Intersection over union of two boxes, in [0, 1]. */
export function boxIou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  const inter = w > 0 && h > 0 ? w * h : 0;
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** The IoU of every pair: iou[i * b.length + j] = IoU(a[i], b[j]). */
export function pairwiseIou(a: readonly Box[], b: readonly Box[]): Float64Array {
  const iou = new Float64Array(a.length * b.length);
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) iou[i * b.length + j] = boxIou(a[i], b[j]);
  }
  return iou;
}
