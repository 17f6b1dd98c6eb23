import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  boxArea,
  boxFromXywh,
  boxIou,
  boxToXywh,
  pairwiseIou,
  type Box,
  type Detection,
} from '../../../src/apps/detection/boxes.js';
import { nms } from '../../../src/apps/detection/nms.js';

const box = (x1: number, y1: number, x2: number, y2: number): Box => ({ x1, y1, x2, y2 });
const det = (b: Box, label: number, score: number): Detection => ({ box: b, label, score });

describe('boxes', () => {
  it('converts to and from COCO [x, y, w, h]', () => {
    assert.deepEqual(boxFromXywh([3, 4, 5, 6]), box(3, 4, 8, 10));
    assert.deepEqual(boxToXywh(box(3, 4, 8, 10)), [3, 4, 5, 6]);
  });

  it('computes IoU by hand', () => {
    assert.equal(boxArea(box(0, 0, 10, 10)), 100);
    // Overlap 5x10 = 50, union 100 + 100 - 50 = 150.
    assert.equal(boxIou(box(0, 0, 10, 10), box(5, 0, 15, 10)), 50 / 150);
    // Contained: 4 / 100.
    assert.equal(boxIou(box(0, 0, 10, 10), box(2, 2, 4, 4)), 0.04);
    assert.equal(boxIou(box(0, 0, 10, 10), box(0, 0, 10, 10)), 1);
    // Touching edges do not overlap.
    assert.equal(boxIou(box(0, 0, 10, 10), box(10, 0, 20, 10)), 0);
    // Empty boxes have IoU 0, not NaN.
    assert.equal(boxIou(box(1, 1, 1, 1), box(1, 1, 1, 1)), 0);
    const iou = pairwiseIou([box(0, 0, 2, 2)], [box(1, 1, 3, 3), box(0, 0, 2, 2)]);
    assert.deepEqual([...iou], [1 / 7, 1]);
  });
});

describe('nms', () => {
  it('keeps the best of overlapping boxes of one class, highest score first', () => {
    const a = det(box(0, 0, 10, 10), 0, 0.9);
    const b = det(box(1, 0, 11, 10), 0, 0.8); // IoU 90/110 = 0.818 with a
    const c = det(box(5, 0, 15, 10), 0, 0.95); // IoU 1/3 with a, 60/140 with b
    const far = det(box(50, 50, 60, 60), 0, 0.1);
    assert.deepEqual(nms([a, b, c, far], 0.5), [c, a, far]);
    // A threshold under 1/3 lets c suppress a too; b goes with c (60/140 = 0.43 > 0.3).
    assert.deepEqual(nms([a, b, c, far], 0.3), [c, far]);
  });

  it('never suppresses across classes', () => {
    const a = det(box(0, 0, 10, 10), 0, 0.9);
    const b = det(box(0, 0, 10, 10), 1, 0.8);
    assert.deepEqual(nms([a, b], 0.5), [a, b]);
  });

  it('drops only IoU strictly above the threshold, and breaks score ties by order', () => {
    const a = det(box(0, 0, 10, 10), 0, 0.5);
    const b = det(box(5, 0, 15, 10), 0, 0.5); // IoU exactly 1/3
    assert.deepEqual(nms([a, b], 1 / 3), [a, b]);
    assert.deepEqual(nms([b, a], 0.3), [b]);
    assert.throws(() => nms([a], 1.5), /iouThreshold must be in \[0, 1\], got 1.5/);
  });
});
