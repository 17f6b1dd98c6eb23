/**
 * Non-maximum suppression, class by class (torchvision's batched_nms): within each class, take
 * the highest-scoring box left, drop every other box of that class whose IoU with it is above
 * the threshold, repeat. Boxes of different classes never suppress each other.
 *
 * Ties in score keep the earlier detection first (a stable sort), so the result is deterministic.
 */
import { boxIou, type Detection } from './boxes.js';

/**
 * The detections that survive, highest score first. iouThreshold in [0, 1]: a box is dropped
 * when its IoU with a kept box of its class is strictly greater than it (as torchvision's nms).
 */
export function nms(detections: readonly Detection[], iouThreshold: number): Detection[] {
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
    throw new RangeError(`nms: iouThreshold must be in [0, 1], got ${iouThreshold}`);
  }
  const order = detections
    .map((d, index) => ({ d, index }))
    .sort((p, q) => q.d.score - p.d.score || p.index - q.index)
    .map((p) => p.d);
  const kept: Detection[] = [];
  const suppressed = new Uint8Array(order.length);
  for (let i = 0; i < order.length; i++) {
    if (suppressed[i]) continue;
    const best = order[i];
    kept.push(best);
    for (let j = i + 1; j < order.length; j++) {
      if (!suppressed[j] && order[j].label === best.label) {
        if (boxIou(best.box, order[j].box) > iouThreshold) suppressed[j] = 1;
      }
    }
  }
  return kept;
}
