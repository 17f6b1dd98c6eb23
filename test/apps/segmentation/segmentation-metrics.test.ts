import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  argmaxPixels,
  SegmentationConfusion,
} from '../../../src/apps/segmentation/segmentation-metrics.js';
import { Rng } from '../../../src/rng.js';

describe('segmentation metrics', () => {
  it('match a hand-computed case, ignored pixels left out', () => {
    // labels      0 0 1 1 2 255      predictions 0 1 1 1 0 2
    const c = new SegmentationConfusion(3);
    c.add([0, 0, 1, 1, 2, 255], [0, 1, 1, 1, 0, 2]);
    assert.deepEqual([...c.counts], [1, 1, 0, 0, 2, 0, 1, 0, 0]);
    // IoU_0 = 1 / (2 + 2 - 1) = 1/3; IoU_1 = 2 / (2 + 3 - 2) = 2/3; IoU_2 = 0 / (1 + 0 - 0) = 0.
    assert.deepEqual([...c.iou()], [1 / 3, 2 / 3, 0]);
    assert.equal(c.meanIoU(), (1 / 3 + 2 / 3 + 0) / 3);
    assert.equal(c.pixelAccuracy(), 3 / 5);
    assert.equal(c.pixels, 5);
    const json = c.toJson(['bg', 'a', 'b']);
    assert.deepEqual(json.matrix, [
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    assert.match(c.format(['bg', 'a', 'b']), /mean IoU 33\.33%, pixel accuracy 60\.00%/);
  });

  it('leave a class neither present nor predicted out of the mean', () => {
    const c = new SegmentationConfusion(4);
    c.add([0, 1, 1], [0, 1, 0]);
    const iou = c.iou();
    assert.ok(Number.isNaN(iou[2]) && Number.isNaN(iou[3]));
    assert.equal(c.meanIoU(), (1 / 2 + 1 / 2) / 2);
    assert.deepEqual(c.toJson(['a', 'b', 'c', 'd']).iou, [0.5, 0.5, null, null]);
    assert.throws(() => c.add([0, 4], [0, 0]), /pixel 1 has label 4/);
  });

  it('agree with an independent count of intersections and unions', () => {
    const rng = new Rng(4);
    const K = 5;
    const labels = Array.from({ length: 500 }, () => (rng.next() < 0.1 ? 255 : rng.int(K)));
    const preds = Array.from({ length: 500 }, () => rng.int(K));
    const c = new SegmentationConfusion(K);
    c.add(labels.slice(0, 200), preds.slice(0, 200));
    c.add(labels.slice(200), preds.slice(200));
    const iou = c.iou();
    for (let k = 0; k < K; k++) {
      let inter = 0;
      let union = 0;
      labels.forEach((t, i) => {
        if (t === 255) return;
        if (t === k && preds[i] === k) inter++;
        if (t === k || preds[i] === k) union++;
      });
      assert.ok(Math.abs(iou[k] - inter / union) < 1e-15, `class ${k}`);
    }
    const kept = labels.filter((t) => t !== 255).length;
    const right = labels.filter((t, i) => t !== 255 && t === preds[i]).length;
    assert.equal(c.pixelAccuracy(), right / kept);
  });

  it('argmaxPixels picks the largest logit per pixel, the first on ties', () => {
    // (N=1, K=3, H=1, W=3): pixel 0 -> 2, pixel 1 -> 0 (tie with 1), pixel 2 -> 1
    const logits = [0, 5, 1, /* k=1 */ 1, 5, 3, /* k=2 */ 2, 0, -1];
    assert.deepEqual([...argmaxPixels(logits, [1, 3, 1, 3])], [2, 0, 1]);
  });

  it('argmaxPixels of a top-left crop, over images, a NaN counting as -Infinity', () => {
    // (N=2, K=2, H=2, W=3) cropped to 1x2: image 0 row 0 cols 0-1, image 1 likewise.
    const logits = [
      /* n=0 k=0 */ 1,
      NaN,
      9,
      9,
      9,
      9,
      /* k=1 */ 2,
      0,
      -9,
      -9,
      -9,
      -9,
      /* n=1 k=0 */ NaN,
      3,
      0,
      0,
      0,
      0,
      /* k=1 */ 0,
      3,
      7,
      7,
      7,
      7,
    ];
    assert.deepEqual([...argmaxPixels(logits, [2, 2, 2, 3], [1, 2])], [1, 1, 1, 0]);
    const whole = argmaxPixels(logits, [2, 2, 2, 3]);
    assert.deepEqual([...whole], [1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1]);
  });
});
