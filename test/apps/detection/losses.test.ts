import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { centreL1Loss, detectionLoss, focalLoss } from '../../../src/apps/detection/losses.js';
import { detectionTargets, gaussianRadius } from '../../../src/apps/detection/targets.js';
import { Rng } from '../../../src/rng.js';
import { Tensor } from '../../../src/tensor.js';
import { checkOpGradients, leaf } from '../../ops/op-gradient.js';

const f64 = (values: ArrayLike<number>, shape: number[]) => Tensor.from(values, shape, 'float64');

describe('CenterNet targets', () => {
  it('splats a Gaussian peak of 1 at the centre cell, with size and offset there', () => {
    // Box centre (30, 18) -> (7.5, 4.5) in cells: cell (7, 4), offset (0.5, 0.5), size (8, 7) cells.
    const t = detectionTargets(
      [[{ box: { x1: 14, y1: 4, x2: 46, y2: 32 }, label: 1 }]],
      [64, 64],
      2,
    );
    const plane = 256;
    const at = 4 * 16 + 7;
    assert.equal(t.numObjects, 1);
    assert.equal(t.heatmap[plane + at], 1);
    assert.equal(t.mask[at], 1);
    assert.deepEqual([t.size[at], t.size[plane + at]], [8, 7]);
    assert.deepEqual([t.offset[at], t.offset[plane + at]], [0.5, 0.5]);
    // Class 0 is empty; neighbours of the peak are below 1 and symmetric.
    assert.ok(t.heatmap.subarray(0, plane).every((v) => v === 0));
    const r = Math.floor(gaussianRadius(7, 8));
    assert.ok(r >= 1);
    const sigma = (2 * r + 1) / 6;
    assert.ok(Math.abs(t.heatmap[plane + at + 1] - Math.exp(-1 / (2 * sigma * sigma))) < 1e-6);
    assert.equal(t.heatmap[plane + at + 1], t.heatmap[plane + at - 1]);
  });

  it('matches CenterNet gaussian_radius on hand values', () => {
    // CenterNet's gaussian_radius((10, 10), 0.7) (src/lib/utils/image.py, run in Python) = 2.7332005306815113.
    assert.ok(Math.abs(gaussianRadius(10, 10) - 2.7332005306815113) < 1e-12);
  });
});

describe('CenterNet losses', () => {
  it('focal loss equals the formula on a hand case', () => {
    const x = [0.3, -1.2, 2.0, 0.0];
    const y = [1, 0.5, 0, 0.9];
    const p = x.map((v) => 1 / (1 + Math.exp(-v)));
    const expected =
      (-((1 - p[0]) ** 2) * Math.log(p[0]) -
        (1 - y[1]) ** 4 * p[1] ** 2 * Math.log(1 - p[1]) -
        p[2] ** 2 * Math.log(1 - p[2]) -
        (1 - y[3]) ** 4 * p[3] ** 2 * Math.log(1 - p[3])) /
      1;
    const got = focalLoss(f64(x, [1, 1, 2, 2]), f64(y, [1, 1, 2, 2]), 1).data[0];
    assert.ok(Math.abs(got - expected) < 1e-12, `${got} vs ${expected}`);
    assert.ok(
      Math.abs(focalLoss(f64(x, [1, 1, 2, 2]), f64(y, [1, 1, 2, 2]), 4).data[0] - expected / 4) <
        1e-12,
    );
  });

  it('focal loss gradient matches central differences (float64)', () => {
    const rng = new Rng(1);
    const x = leaf(rng, [2, 3, 4, 5], 2);
    const t = detectionTargets(
      [
        [{ box: { x1: 2, y1: 3, x2: 14, y2: 12 }, label: 2 }],
        [{ box: { x1: 0, y1: 0, x2: 9, y2: 8 }, label: 0 }],
      ],
      [16, 20],
      3,
    );
    const target = f64(t.heatmap, [2, 3, 4, 5]);
    checkOpGradients('focalLoss', () => focalLoss(x, target, t.numObjects), { x }, rng);
  });

  it('centre L1 loss counts only masked cells, and its gradient checks (float64)', () => {
    const rng = new Rng(2);
    const pred = leaf(rng, [2, 2, 3, 3]);
    const target = Tensor.randn([2, 2, 3, 3], rng, 1, 'float64');
    const mask = Tensor.zeros([2, 1, 3, 3], 'float64');
    mask.data[4] = 1;
    mask.data[9 + 2] = 1;
    const got = centreL1Loss(pred, target, mask, 2).data[0];
    let expected = 0;
    for (const [n, at] of [
      [0, 4],
      [1, 2],
    ]) {
      for (let k = 0; k < 2; k++) {
        const i = (n * 2 + k) * 9 + at;
        expected += Math.abs(pred.data[i] - target.data[i]);
      }
    }
    assert.ok(Math.abs(got - expected / 2) < 1e-12);
    checkOpGradients('centreL1Loss', () => centreL1Loss(pred, target, mask, 2), { pred }, rng);
  });

  it('the total is focal + 0.1 size + offset, and its gradient checks (float64)', () => {
    const rng = new Rng(3);
    const heatmap = leaf(rng, [1, 2, 4, 4], 2);
    const size = leaf(rng, [1, 2, 4, 4]);
    const offset = leaf(rng, [1, 2, 4, 4]);
    const t = detectionTargets(
      [[{ box: { x1: 3, y1: 5, x2: 10, y2: 14 }, label: 1 }]],
      [16, 16],
      2,
    );
    const targets = {
      heatmap: f64(t.heatmap, [1, 2, 4, 4]),
      size: f64(t.size, [1, 2, 4, 4]),
      offset: f64(t.offset, [1, 2, 4, 4]),
      mask: f64(t.mask, [1, 1, 4, 4]),
      numObjects: t.numObjects,
    };
    const parts = detectionLoss({ heatmap, size, offset }, targets);
    assert.ok(
      Math.abs(parts.total.data[0] - (parts.heatmap + 0.1 * parts.size + parts.offset)) < 1e-12,
    );
    checkOpGradients(
      'detectionLoss',
      () => detectionLoss({ heatmap, size, offset }, targets).total,
      { heatmap, size, offset },
      rng,
    );
  });
});
