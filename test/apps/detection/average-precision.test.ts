import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  averagePrecision,
  classAveragePrecision,
  COCO_IOU_THRESHOLDS,
} from '../../../src/apps/detection/average-precision.js';
import {
  boxFromXywh,
  pairwiseIou,
  type Box,
  type Detection,
} from '../../../src/apps/detection/boxes.js';
import { nms } from '../../../src/apps/detection/nms.js';

const box = (x1: number, y1: number, x2: number, y2: number): Box => ({ x1, y1, x2, y2 });
const gt = (b: Box, label = 0) => ({ box: b, label });
const det = (b: Box, score: number, label = 0): Detection => ({ box: b, label, score });

describe('average precision, hand cases', () => {
  it('is 1 for perfect detections and 0 for none', () => {
    const truths = [[gt(box(0, 0, 10, 10))], [gt(box(5, 5, 20, 20))]];
    const perfect = truths.map((list) => list.map((g) => det(g.box, 0.9)));
    const m = averagePrecision(perfect, truths, 1);
    assert.deepEqual([m.ap50, m.ap, m.ap75], [1, 1, 1]);
    assert.equal(averagePrecision([[], []], truths, 1).ap50, 0);
  });

  it('follows the 101-point interpolation', () => {
    // Two ground truths; detections ranked: TP, FP, TP. Precision 1, 1/2, 2/3; recall 1/2, 1/2, 1.
    // Monotone precision: 1, 2/3, 2/3. Recall points 0..0.5 (51 of them) read 1, 0.51..1 (50) read 2/3.
    const truths = [[gt(box(0, 0, 10, 10)), gt(box(20, 20, 30, 30))]];
    const dets = [
      [det(box(0, 0, 10, 10), 0.9), det(box(50, 50, 60, 60), 0.8), det(box(20, 20, 30, 30), 0.7)],
    ];
    const expected = (51 * 1 + 50 * (2 / 3)) / 101;
    assert.ok(Math.abs(classAveragePrecision(dets, truths, 0, 0.5) - expected) < 1e-12);
    // Only the first found: recall 1/2 reached, 51 points of precision 1.
    assert.ok(Math.abs(classAveragePrecision([[dets[0][0]]], truths, 0, 0.5) - 51 / 101) < 1e-12);
  });

  it('counts a second detection of the same object as a false positive, and honours the IoU threshold', () => {
    const truths = [[gt(box(0, 0, 10, 10))]];
    // IoU of the shifted box = 80 / 120 = 0.667: a match at 0.5, not at 0.7.
    const shifted = det(box(2, 0, 12, 10), 0.9);
    assert.equal(classAveragePrecision([[shifted]], truths, 0, 0.5), 1);
    assert.equal(classAveragePrecision([[shifted]], truths, 0, 0.7), 0);
    // AP@[.5:.95]: matched at 0.50, 0.55, 0.60, 0.65 only (4 of 10 thresholds).
    assert.ok(Math.abs(averagePrecision([[shifted]], truths, 1).ap - 0.4) < 1e-12);
    // A duplicate scoring higher takes the match; the better box scores lower and is a FP.
    const dup = [[det(box(1, 0, 11, 10), 0.95), det(box(0, 0, 10, 10), 0.9)]];
    assert.equal(classAveragePrecision(dup, truths, 0, 0.5), 1);
    // Precision 1 then 1/2 at recall 1: all 101 points read 1.
  });

  it('averages classes with ground truth only, and keeps classes apart', () => {
    const truths = [[gt(box(0, 0, 10, 10), 0), gt(box(20, 0, 30, 10), 2)]];
    const dets = [[det(box(0, 0, 10, 10), 0.9, 0), det(box(20, 0, 30, 10), 0.9, 1)]];
    const m = averagePrecision(dets, truths, 3);
    assert.equal(m.perClass[0].ap50, 1);
    assert.ok(Number.isNaN(m.perClass[1].ap50));
    assert.equal(m.perClass[2].ap50, 0);
    assert.equal(m.ap50, 0.5);
    assert.equal(COCO_IOU_THRESHOLDS.length, 10);
  });
});

interface Fixture {
  numClasses: number;
  images: {
    truths: { bbox: number[]; label: number }[];
    detections: { bbox: number[]; label: number; score: number }[];
  }[];
  iou: { a: number[][]; b: number[][]; iou: number[][] };
  nms: { boxes: number[][]; scores: number[]; labels: number[]; threshold: number; keep: number[] };
  ap: {
    ap50: number;
    ap75: number;
    ap: number;
    perClass50: (number | null)[];
    perClass: (number | null)[];
  };
}

describe('average precision against the independent Python implementation', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('../../../fixtures/detection/ap.json', import.meta.url), 'utf8'),
  ) as Fixture;

  it('box IoU matches torch box_iou', () => {
    const got = pairwiseIou(fixture.iou.a.map(boxFromXywh), fixture.iou.b.map(boxFromXywh));
    const want = fixture.iou.iou.flat();
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `iou[${i}] ${v} vs ${want[i]}`));
  });

  it('class-wise NMS keeps what batched_nms keeps', () => {
    const { boxes, scores, labels, threshold, keep } = fixture.nms;
    const dets = boxes.map((b, i) => det(boxFromXywh(b), scores[i], labels[i]));
    const kept = nms(dets, threshold).map((d) => dets.indexOf(d));
    assert.deepEqual(kept, keep);
  });

  it('AP@0.5, AP@0.75, AP@[.5:.95] and per-class APs match', () => {
    const truths = fixture.images.map((im) =>
      im.truths.map((t) => gt(boxFromXywh(t.bbox), t.label)),
    );
    const dets = fixture.images.map((im) =>
      im.detections.map((d) => det(boxFromXywh(d.bbox), d.score, d.label)),
    );
    const m = averagePrecision(dets, truths, fixture.numClasses);
    const close = (a: number, b: number | null, what: string) =>
      assert.ok(b === null ? Number.isNaN(a) : Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);
    close(m.ap50, fixture.ap.ap50, 'AP@0.5');
    close(m.ap75, fixture.ap.ap75, 'AP@0.75');
    close(m.ap, fixture.ap.ap, 'AP@[.5:.95]');
    m.perClass.forEach((c, k) => {
      close(c.ap50, fixture.ap.perClass50[k], `class ${k} AP@0.5`);
      close(c.ap, fixture.ap.perClass[k], `class ${k} AP`);
    });
  });
});
