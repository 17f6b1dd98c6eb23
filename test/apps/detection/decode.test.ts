import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDetections } from '../../../src/apps/detection/decode.js';
import { detectionTargets } from '../../../src/apps/detection/targets.js';
import { Tensor } from '../../../src/tensor.js';

const logit = (p: number) => Math.log(p / (1 - p));

describe('decodeDetections', () => {
  it('turns perfect targets back into the boxes', () => {
    const objects = [
      { box: { x1: 8, y1: 4, x2: 28, y2: 30 }, label: 3 },
      { box: { x1: 40, y1: 36, x2: 62, y2: 60 }, label: 1 },
    ];
    const t = detectionTargets([objects], [64, 64], 4);
    // Logits: the target heatmap's peaks at 0.9, elsewhere the splat below it.
    const heatmap = Tensor.from(
      Array.from(t.heatmap, (v) => logit(Math.min(0.9, Math.max(1e-4, v * 0.9)))),
      [1, 4, 16, 16],
    );
    const [dets] = decodeDetections({
      heatmap,
      size: Tensor.from(t.size, [1, 2, 16, 16]),
      offset: Tensor.from(t.offset, [1, 2, 16, 16]),
    });
    assert.equal(dets.length, 2);
    const sorted = [...dets].sort((a, b) => a.label - b.label);
    assert.deepEqual(
      sorted.map((d) => d.label),
      [1, 3],
    );
    for (const [d, o] of [
      [sorted[0], objects[1]],
      [sorted[1], objects[0]],
    ] as const) {
      for (const k of ['x1', 'y1', 'x2', 'y2'] as const)
        assert.ok(Math.abs(d.box[k] - o.box[k]) < 1e-4);
      assert.ok(Math.abs(d.score - 0.9) < 1e-6);
    }
  });

  it('keeps only 3x3 peaks above the threshold, at most topK, clipped to the image', () => {
    const heatmap = Tensor.from(new Array(16).fill(logit(0.01)), [1, 1, 4, 4]);
    heatmap.data[0] = logit(0.8); // a peak at (0, 0)
    heatmap.data[1] = logit(0.7); // beside it: not a peak
    heatmap.data[15] = logit(0.6); // a peak at (3, 3)
    heatmap.data[10] = logit(0.3); // (2, 2) is next to (3, 3): not a peak
    const size = Tensor.from(new Array(32).fill(3), [1, 2, 4, 4]);
    const offset = Tensor.zeros([1, 2, 4, 4]);
    const [dets] = decodeDetections({ heatmap, size, offset });
    assert.deepEqual(
      dets.map((d) => [d.box, Number(d.score.toFixed(6))]),
      [
        [{ x1: 0, y1: 0, x2: 6, y2: 6 }, 0.8],
        [{ x1: 6, y1: 6, x2: 16, y2: 16 }, 0.6],
      ],
    );
    assert.equal(decodeDetections({ heatmap, size, offset }, { topK: 1 })[0].length, 1);
    assert.equal(decodeDetections({ heatmap, size, offset }, { scoreThreshold: 0.7 })[0].length, 1);
    assert.throws(
      () => decodeDetections({ heatmap, size: offset, offset: Tensor.zeros([1, 2, 3, 4]) }),
      /offset must be \(1, 2, 4, 4\)/,
    );
  });
});
