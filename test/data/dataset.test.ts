import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryDataset } from '../../src/data/dataset.js';
import { Tensor } from '../../src/tensor.js';

/** n images of shape (2,2,3) whose pixels all equal the image index; labels i mod 3. */
function tinySet(n: number): InMemoryDataset {
  const pixels = new Float32Array(n * 12);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(i / 12);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  return InMemoryDataset.fromArrays(pixels, [n, 2, 2, 3], labels, ['a', 'b', 'c']);
}

describe('InMemoryDataset', () => {
  it('reports its length, image shape and class names', () => {
    const set = tinySet(5);
    assert.equal(set.length, 5);
    assert.deepEqual(set.imageShape, [2, 2, 3]);
    assert.deepEqual(set.classNames, ['a', 'b', 'c']);
  });

  it('gets a batch by indices, in the order given, as copies', () => {
    const set = tinySet(5);
    const batch = set.getBatch([4, 0, 4]);
    assert.deepEqual(batch.images.shape, [3, 2, 2, 3]);
    assert.deepEqual(Array.from(batch.labels), [1, 0, 1]);
    assert.deepEqual(Array.from(batch.images.data), [
      ...Array(12).fill(4),
      ...Array(12).fill(0),
      ...Array(12).fill(4),
    ]);
    batch.images.data[0] = -1;
    assert.equal(set.images.data[4 * 12], 4);
    assert.deepEqual(set.getBatch([]).images.shape, [0, 2, 2, 3]);
  });

  it('gathers into caller buffers and rejects bad indices and small buffers', () => {
    const set = tinySet(5);
    const images = new Float32Array(24);
    const labels = new Int32Array(2);
    set.gatherInto(images, labels, Int32Array.from([2, 3]));
    assert.deepEqual(Array.from(labels), [2, 0]);
    assert.equal(images[12], 3);
    assert.throws(
      () => set.gatherInto(images, labels, [5]),
      /index 5 is outside the set of 5 images/,
    );
    assert.throws(() => set.gatherInto(images, labels, [1.5]), /index 1.5 is outside/);
    assert.throws(
      () => set.gatherInto(images, labels, [0, 1, 2]),
      /3 images of 12 values need buffers of 36 and 3, got 24 and 2/,
    );
  });

  it('rejects inconsistent images, labels and class names', () => {
    const images = Tensor.zeros([2, 1, 2, 2]);
    assert.throws(
      () => new InMemoryDataset(images, new Int32Array(3), ['a']),
      /2 images but 3 labels/,
    );
    assert.throws(
      () => new InMemoryDataset(images, Int32Array.from([0, 2]), ['a', 'b']),
      /label 2 at index 1 is outside \[0, 2\) for 2 classes/,
    );
    assert.throws(
      () => new InMemoryDataset(Tensor.zeros([2, 4]), new Int32Array(2), ['a']),
      /images must be a float32 \(N,C,H,W\) tensor, got float32 \(2,4\)/,
    );
    assert.throws(
      () => new InMemoryDataset(Tensor.zeros([2, 1, 1, 1], 'float64'), new Int32Array(2), ['a']),
      /got float64/,
    );
    assert.throws(() => new InMemoryDataset(images, new Int32Array(2), []), /no class names/);
  });

  it('splits into two disjoint seeded subsets covering every image', () => {
    const set = tinySet(10);
    const [first, second] = set.randomSplit(7, 3);
    assert.equal(first.length, 7);
    assert.equal(second.length, 3);
    const ids = (part: InMemoryDataset): number[] =>
      Array.from({ length: part.length }, (_, i) => part.images.data[i * 12]);
    assert.deepEqual(
      [...ids(first), ...ids(second)].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    const [again] = set.randomSplit(7, 3);
    assert.deepEqual(ids(again), ids(first));
    const [other] = set.randomSplit(7, 4);
    assert.notDeepEqual(ids(other), ids(first));
    assert.throws(() => set.randomSplit(11, 0), /first part of 11 images is not within \[0, 10\]/);
  });

  it('holds out the same fraction of every class (stratified), seeded, covering every image', () => {
    // Classes of 6, 14 and 16 images (what an 80/20 random split of a 3-class folder gave).
    const counts = [6, 14, 16];
    const labels = Int32Array.from(counts.flatMap((n, k) => new Array<number>(n).fill(k)));
    const n = labels.length;
    const pixels = Float32Array.from({ length: n }, (_, i) => i);
    const set = InMemoryDataset.fromArrays(pixels, [n, 1, 1, 1], labels, ['a', 'b', 'c']);
    const [kept, held] = set.stratifiedSplit(0.2, 1);
    const perClass = (part: InMemoryDataset): number[] =>
      counts.map((_, k) => part.labels.filter((l) => l === k).length);
    assert.deepEqual(perClass(held), [1, 3, 3]);
    assert.deepEqual(perClass(kept), [5, 11, 13]);
    const ids = [...kept.images.data, ...held.images.data].sort((a, b) => a - b);
    assert.deepEqual(
      ids,
      Array.from({ length: n }, (_, i) => i),
    );
    // Each part is shuffled, not grouped by class.
    assert.notDeepEqual(
      [...kept.labels],
      [...kept.labels].sort((a, b) => a - b),
    );
    const [, again] = set.stratifiedSplit(0.2, 1);
    assert.deepEqual([...again.images.data], [...held.images.data]);
    // A class of one image stays in the kept part; a class of two gives one to each.
    const small = InMemoryDataset.fromArrays(
      new Float32Array(3),
      [3, 1, 1, 1],
      Int32Array.from([0, 1, 1]),
      ['one', 'two'],
    );
    const [smallKept, smallHeld] = small.stratifiedSplit(0.2, 1);
    assert.deepEqual([...smallHeld.labels], [1]);
    assert.deepEqual([...smallKept.labels].sort(), [0, 1]);
    assert.throws(() => set.stratifiedSplit(1, 0), /fraction must be in \(0, 1\), got 1/);
  });
});
