import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DIGIT_MASK_CLASS_NAMES,
  generateDigitMasks,
} from '../../../src/apps/segmentation/digit-masks.js';
import { digitMasksSplits } from '../../../src/apps/segmentation/digit-masks-node.js';
import { InMemoryDataset } from '../../../src/data/dataset.js';
import { Rng } from '../../../src/rng.js';
import { Tensor } from '../../../src/tensor.js';

/** n fake 28x28 digits, all labelled `digit`: a filled square of random brightness >= 0.6. */
function fakePool(n: number, digit: number, seed: number): InMemoryDataset {
  const rng = new Rng(seed);
  const images = Tensor.zeros([n, 1, 28, 28]);
  for (let i = 0; i < n; i++) {
    const v = rng.uniform(0.6, 1);
    for (let r = 6; r < 22; r++) for (let c = 9; c < 19; c++) images.data[i * 784 + r * 28 + c] = v;
  }
  return new InMemoryDataset(
    images,
    new Int32Array(n).fill(digit),
    DIGIT_MASK_CLASS_NAMES.slice(1),
  );
}

describe('digit-masks generator', () => {
  const pool = digitMasksSplits({ trainSize: 40, testSize: 10, seed: 3 });

  it('draws 64x84 scenes with 11 classes, the same for the same seed', () => {
    const { train } = pool;
    assert.equal(train.length, 40);
    assert.deepEqual(train.imageShape, [1, 64, 84]);
    assert.deepEqual(train.classNames, DIGIT_MASK_CLASS_NAMES);
    const again = digitMasksSplits({ trainSize: 40, testSize: 10, seed: 3 });
    assert.deepEqual(again.train.images, train.images);
    assert.deepEqual(again.train.masks, train.masks);
    assert.deepEqual(again.test.masks, pool.test.masks);
    const other = digitMasksSplits({ trainSize: 40, testSize: 10, seed: 4 });
    assert.notDeepEqual(other.train.masks, train.masks);
    assert.notDeepEqual(pool.test.masks, train.masks.subarray(0, pool.test.masks.length));
  });

  it('labels exactly the ink: a pixel has a digit class iff its value is above 0.5', () => {
    const { train } = pool;
    let ink = 0;
    for (let i = 0; i < train.masks.length; i++) {
      assert.equal(train.masks[i] > 0, train.images[i] > 0.5, `pixel ${i}`);
      if (train.masks[i] > 0) ink++;
    }
    assert.ok(ink > 40 * 50, `${ink} ink pixels in 40 scenes`);
  });

  it('puts 1 to 3 digits in a scene, each digit d as class d + 1', () => {
    const sevens = generateDigitMasks(fakePool(5, 7, 1), { count: 30, seed: 2 });
    const seen = new Set(sevens.masks);
    assert.deepEqual([...seen].sort(), [0, 8]);
    // The fake digits are 16x10 squares of one brightness: count them by distinct values.
    const counts = new Set<number>();
    for (let n = 0; n < 30; n++) {
      const scene = sevens.images.subarray(n * 64 * 84, (n + 1) * 64 * 84);
      let pixels = 0;
      for (const v of scene) if (v > 0.5) pixels++;
      counts.add(pixels);
      assert.ok(pixels > 0, `scene ${n} has a digit`);
    }
    assert.ok(counts.size > 3, 'scenes differ in their ink');
    const many = generateDigitMasks(fakePool(5, 2, 1), { count: 200, seed: 5, maxDigits: 3 });
    let most = 0;
    for (let n = 0; n < 200; n++) {
      const mask = many.masks.subarray(n * 64 * 84, (n + 1) * 64 * 84);
      most = Math.max(most, components(mask, 64, 84));
    }
    assert.equal(most, 3);
  });

  it('draws training scenes from the training digits and test scenes from the test digits', () => {
    const { train, test } = digitMasksSplits({
      trainSize: 20,
      testSize: 20,
      digits: { train: fakePool(4, 3, 1), test: fakePool(4, 5, 2) },
    });
    assert.deepEqual([...new Set(train.masks)].sort(), [0, 4]);
    assert.deepEqual([...new Set(test.masks)].sort(), [0, 6]);
  });

  it('takes other canvas sizes and refuses options that cannot work', () => {
    const small = generateDigitMasks(fakePool(3, 1, 1), {
      count: 2,
      height: 40,
      width: 50,
      maxSize: 30,
    });
    assert.deepEqual(small.imageShape, [1, 40, 50]);
    assert.throws(
      () => generateDigitMasks(fakePool(1, 1, 1), { maxSize: 70 }),
      /maxSize 70 does not fit/,
    );
    assert.throws(
      () => generateDigitMasks(fakePool(1, 1, 1), { minSize: 30, maxSize: 20 }),
      /maxSize/,
    );
    assert.throws(() => generateDigitMasks(fakePool(1, 1, 1), { inkThreshold: 1 }), /inkThreshold/);
  });
});

/** The number of 4-connected regions of non-zero pixels. */
function components(mask: Uint8Array, H: number, W: number): number {
  const seen = new Uint8Array(H * W);
  let count = 0;
  for (let start = 0; start < H * W; start++) {
    if (mask[start] === 0 || seen[start] === 1) continue;
    count++;
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const p = stack.pop() ?? 0;
      const r = Math.floor(p / W);
      const c = p % W;
      for (const [dr, dc] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ]) {
        const rr = r + dr;
        const cc = c + dc;
        const q = rr * W + cc;
        if (rr >= 0 && rr < H && cc >= 0 && cc < W && mask[q] !== 0 && seen[q] === 0) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
  }
  return count;
}
