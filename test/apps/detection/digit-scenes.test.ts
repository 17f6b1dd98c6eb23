import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { boxIou } from '../../../src/apps/detection/boxes.js';
import { CocoFormatError, parseCocoAnnotations } from '../../../src/apps/detection/coco-format.js';
import {
  readCocoFolder,
  scenesToCoco,
  writeCocoFolder,
} from '../../../src/apps/detection/coco-folder.js';
import { INK_THRESHOLD, makeScene, makeScenes } from '../../../src/apps/detection/digit-scenes.js';
import { digitScenes } from '../../../src/apps/detection/load-digit-scenes.js';
import { gatherBatch } from '../../../src/data/mnist-digits.js';
import { mnistDataset } from '../../../src/data/load-mnist-digits.js';

const { train, test } = mnistDataset();
const digits = gatherBatch(
  train,
  Array.from({ length: 200 }, (_, i) => i),
);

describe('digit-scenes', () => {
  it('is deterministic: scene i depends only on the seed and i', () => {
    const a = makeScenes(digits, 5, { seed: 3 });
    const b = makeScenes(digits, 3, { seed: 3 }, 2);
    assert.deepEqual(a.slice(2), b);
    assert.deepEqual(makeScene(digits, 4, { seed: 3 }), a[4]);
    const c = makeScenes(digits, 5, { seed: 4 });
    assert.notDeepEqual(a[0].pixels, c[0].pixels);
  });

  it('boxes are the tight ink box, inside the canvas, overlapping at most maxOverlap', () => {
    const scenes = makeScenes(digits, 40, { seed: 1, maxOverlap: 0.1 });
    let total = 0;
    for (const scene of scenes) {
      assert.equal(scene.pixels.length, 96 * 96);
      assert.ok(scene.objects.length >= 1 && scene.objects.length <= 5);
      total += scene.objects.length;
      for (const [i, { box, label }] of scene.objects.entries()) {
        assert.ok(label >= 0 && label <= 9);
        assert.ok(box.x1 >= 0 && box.y1 >= 0 && box.x2 <= 96 && box.y2 <= 96);
        // A digit's box is at most 40 px and at least a few pixels (a '1' is thin).
        assert.ok(box.x2 - box.x1 <= 40 && box.y2 - box.y1 <= 40 && box.y2 - box.y1 >= 10);
        for (const other of scene.objects.slice(0, i)) assert.ok(boxIou(box, other.box) <= 0.1);
        // Tight: ink on every edge row/column of the box (alone in the scene, so single digit).
      }
      if (scene.objects.length === 1) {
        const { box } = scene.objects[0];
        const ink = (x: number, y: number) => scene.pixels[y * 96 + x] >= INK_THRESHOLD - 1e-6;
        const rowHas = (y: number) => Array.from({ length: 96 }, (_, x) => ink(x, y)).some(Boolean);
        const colHas = (x: number) => Array.from({ length: 96 }, (_, y) => ink(x, y)).some(Boolean);
        assert.ok(rowHas(box.y1) && rowHas(box.y2 - 1) && colHas(box.x1) && colHas(box.x2 - 1));
        assert.ok(!rowHas(box.y1 - 1 < 0 ? box.y1 : box.y1 - 1) || box.y1 === 0);
      }
    }
    assert.ok(total > 40 * 2, `about 3 digits per scene, got ${total} in 40`);
  });

  it('clutter and noise change the pixels but not the labels', () => {
    const clean = makeScenes(digits, 4, { seed: 2 });
    const noisy = makeScenes(digits, 4, { seed: 2, clutter: 4, noise: 0.05 });
    for (let i = 0; i < 4; i++) assert.notDeepEqual(clean[i].pixels, noisy[i].pixels);
    assert.ok(noisy.every((s) => s.pixels.every((v) => v >= 0 && v <= 1)));
  });

  it('checks its options', () => {
    assert.throws(
      () => makeScenes(digits, 1, { maxDigitSize: 100 }),
      /maxDigitSize 100 does not fit a 96x96/,
    );
    assert.throws(
      () => makeScenes(digits, 1, { minDigits: 0 }),
      /minDigits must be an integer >= 1/,
    );
    assert.throws(() => makeScenes(digits, 1, { maxOverlap: 2 }), /maxOverlap must be in \[0, 1\]/);
  });

  it('train scenes use training digits, test scenes held-out digits', () => {
    const trainScene = digitScenes('train', 1)[0];
    const testScene = digitScenes('test', 1)[0];
    assert.deepEqual(trainScene, makeScenes(train, 1)[0]);
    assert.deepEqual(testScene, makeScenes(test, 1, { seed: 1 })[0]);
  });
});

describe('COCO folders', () => {
  it('write then read gives the same scenes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coco-'));
    try {
      const scenes = makeScenes(digits, 3, { seed: 5, noise: 0.02 });
      writeCocoFolder(dir, scenes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      const back = readCocoFolder(dir);
      assert.deepEqual(back.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      assert.equal(back.scenes.length, 3);
      for (let i = 0; i < 3; i++) {
        assert.deepEqual(back.scenes[i].objects, scenes[i].objects);
        const maxDiff = scenes[i].pixels.reduce(
          (m, v, p) => Math.max(m, Math.abs(v - back.scenes[i].pixels[p])),
          0,
        );
        assert.ok(maxDiff < 1e-6, `pixels differ by ${maxDiff}`);
      }
      const json = JSON.parse(readFileSync(join(dir, 'annotations.json'), 'utf8'));
      assert.deepEqual(json.categories[0], { id: 1, name: '0' });
      assert.equal(json.annotations[0].bbox.length, 4);
      // A missing image file is named.
      unlinkSync(join(dir, 'images', '000001.png'));
      assert.throws(
        () => readCocoFolder(dir),
        /image id 2 \(images\[1\]\): file 'images\/000001.png' not found/,
      );
      writeFileSync(join(dir, 'annotations.json'), '{"images": [');
      assert.throws(() => readCocoFolder(dir), /annotations.json: not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the malformed entry', () => {
    const scenes = makeScenes(digits, 2, { seed: 6 });
    const good = scenesToCoco(scenes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const bad = (edit: (c: typeof good) => void): (() => unknown) => {
      const copy = structuredClone(good);
      edit(copy);
      return () => parseCocoAnnotations(copy, 'a.json');
    };
    assert.throws(
      bad((c) => (c.annotations[1].bbox = [90, 4, 12, 9])),
      (e: Error) =>
        e instanceof CocoFormatError &&
        /^a\.json: annotation id 2 \(annotations\[1\]\): bbox \[90, 4, 12, 9\] reaches x = 102, outside image \d+ 'images\/00000\d.png' \(96x96\)$/.test(
          e.message,
        ),
    );
    assert.throws(
      bad((c) => (c.annotations[0].bbox = [-1, 4, 12, 9])),
      /annotation id 1 \(annotations\[0\]\): bbox \[-1, 4, 12, 9\] starts outside image 1/,
    );
    assert.throws(
      bad((c) => (c.annotations[0].bbox = [1, 4, 0, 9])),
      /annotation id 1 .*positive size/,
    );
    assert.throws(
      bad((c) => (c.annotations[0].category_id = 42)),
      /annotation id 1 \(annotations\[0\]\): unknown category_id 42 \(known: 1, 2, 3/,
    );
    assert.throws(
      bad((c) => (c.annotations[0].image_id = 99)),
      /annotation id 1 \(annotations\[0\]\): unknown image_id 99/,
    );
    assert.throws(
      bad((c) => (c.annotations[0].bbox = [1, 2, 3])),
      /a\.json: annotations\[0\]\.bbox: /,
    );
    assert.throws(
      bad((c) => (c.images[1].id = 1)),
      /image id 1 appears twice/,
    );
  });
});
