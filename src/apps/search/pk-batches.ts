/**
 * Class-balanced "P x K" batches for batch-hard mining (Hermans et al. 2017): each batch holds
 * K images of each of P classes, so every anchor has K - 1 positives and (P - 1) K negatives to
 * mine from. Each epoch:
 *
 *   every class's images in a seeded shuffled cycle
 *   for each of floor(N / (P K)) batches: P distinct classes drawn at random (those with images),
 *     the next K images of each from its cycle; a cycle with fewer than K left is reshuffled
 *     first, so the K are distinct (a class of fewer than K images repeats some)
 *
 * The epoch's order is served as a Dataset view (`pkEpoch`), which a DataLoader without
 * shuffling reads in batches of P K: the loader's normalisation and memory handling stay one.
 */
import type { Dataset } from '../../data/dataset.js';
import { epochSeed } from '../../data/loader.js';
import { Rng } from '../../rng.js';

export interface PkShape {
  /** P: classes per batch. */
  classes: number;
  /** K: images per class. */
  perClass: number;
}

/**
 * P and K for a batch size: as many classes as fit with at least minPerClass images each (at
 * most all of them, at least 2), then K = floor(batchSize / P); the batch is P K images.
 */
export function pkShape(batchSize: number, classCount: number, minPerClass = 4): PkShape {
  if (classCount < 2) throw new RangeError(`pkShape: batch-hard mining needs 2 classes or more`);
  const classes = Math.max(2, Math.min(classCount, Math.floor(batchSize / minPerClass)));
  const perClass = Math.max(2, Math.floor(batchSize / classes));
  return { classes, perClass };
}

/** Fisher-Yates in place. */
function shuffle(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
}

/** The order of one epoch of P x K batches (see the top of this file), as dataset indices. */
export function pkOrder(
  labels: Int32Array,
  shape: PkShape,
  seed: number,
  epoch: number,
): Int32Array {
  const { classes: P, perClass: K } = shape;
  const rng = new Rng(epochSeed(seed, epoch, 3));
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const list = byClass.get(label);
    if (list === undefined) byClass.set(label, [i]);
    else list.push(i);
  });
  const present = [...byClass.keys()].sort((a, b) => a - b);
  if (present.length < 2) throw new RangeError('pkOrder: the images hold fewer than 2 classes');
  const take = Math.min(P, present.length);
  const cycles = present.map((c) => Int32Array.from(byClass.get(c) ?? []));
  for (const cycle of cycles) shuffle(cycle, rng);
  const cursor = new Int32Array(cycles.length);
  const batches = Math.max(1, Math.floor(labels.length / (take * K)));
  const order = new Int32Array(batches * take * K);
  const pick = Int32Array.from(present.keys());
  let at = 0;
  for (let b = 0; b < batches; b++) {
    for (let p = 0; p < take; p++) {
      const j = p + rng.int(pick.length - p);
      [pick[p], pick[j]] = [pick[j], pick[p]];
      const c = pick[p];
      const cycle = cycles[c];
      if (cursor[c] + K > cycle.length) {
        shuffle(cycle, rng);
        cursor[c] = 0;
      }
      for (let k = 0; k < K; k++) order[at++] = cycle[(cursor[c] + k) % cycle.length];
      cursor[c] += K;
    }
  }
  return order;
}

/** The dataset seen in the given order: image i of the view is image order[i] of the dataset. */
export function orderedView(dataset: Dataset, order: Int32Array): Dataset {
  const map = (ids: ArrayLike<number>): Int32Array => Int32Array.from(ids, (i) => order[i]);
  return {
    length: order.length,
    imageShape: dataset.imageShape,
    classNames: dataset.classNames,
    getBatch: (ids) => dataset.getBatch(map(ids)),
    gatherInto: (images, labels, ids) => dataset.gatherInto(images, labels, map(ids)),
  };
}

/** Every label of a dataset, read in chunks. */
export function datasetLabels(dataset: Dataset): Int32Array {
  const labels = new Int32Array(dataset.length);
  const chunk = 4096;
  for (let i = 0; i < labels.length; i += chunk) {
    const ids = Array.from({ length: Math.min(chunk, labels.length - i) }, (_, j) => i + j);
    labels.set(dataset.getBatch(ids).labels, i);
  }
  return labels;
}
