/**
 * Datasets: a fixed number of labelled images of one shape, read by index.
 *
 * `Dataset` is the contract the DataLoader (src/data/loader.ts), the training loop and the CLI
 * rely on; `InMemoryDataset` is the implementation every loader here returns (embedded MNIST,
 * IDX files, Fashion-MNIST, image folders): all images in one (N,C,H,W) float32 tensor and all
 * labels in one Int32Array.
 *
 *   const batch = dataset.getBatch([0, 5, 7]); // images (3,C,H,W), labels (3)
 */
import { Rng } from '../rng.js';
import { Tensor, formatShape } from '../tensor.js';
import type { Shape } from '../tensor.js';

/** A batch of images and their labels: images (B,C,H,W) float32, labels (B) class indices. */
export interface Batch {
  images: Tensor;
  labels: Int32Array;
}

/** The shape of one image: (C,H,W). */
export type ImageShape = readonly [channels: number, height: number, width: number];

export interface Dataset {
  /** The number of images N. */
  readonly length: number;
  /** (C,H,W) of every image. */
  readonly imageShape: ImageShape;
  /** One name per class; a label is an index into this list. */
  readonly classNames: readonly string[];
  /** The images and labels at the given indices, copied into a new batch. */
  getBatch(indices: ArrayLike<number>): Batch;
  /**
   * Copies the images at the given indices into `images` (B*C*H*W values, row-major from the
   * start) and their labels into `labels` (B values). Overwrites; allocates nothing.
   */
  gatherInto(images: Float32Array, labels: Int32Array, indices: ArrayLike<number>): void;
}

/** A dataset held in memory: images (N,C,H,W) float32, labels (N) in [0, classNames.length). */
export class InMemoryDataset implements Dataset {
  readonly images: Tensor;
  readonly labels: Int32Array;
  readonly classNames: readonly string[];
  readonly imageShape: ImageShape;

  constructor(images: Tensor, labels: Int32Array, classNames: readonly string[]) {
    if (images.rank !== 4 || images.dtype !== 'float32') {
      throw new RangeError(
        `InMemoryDataset: images must be a float32 (N,C,H,W) tensor, got ${images.dtype} ${formatShape(images.shape)}`,
      );
    }
    const [N, C, H, W] = images.shape;
    if (labels.length !== N) {
      throw new RangeError(`InMemoryDataset: ${N} images but ${labels.length} labels`);
    }
    if (classNames.length === 0) throw new RangeError('InMemoryDataset: no class names');
    for (let i = 0; i < N; i++) {
      const label = labels[i];
      if (label < 0 || label >= classNames.length) {
        throw new RangeError(
          `InMemoryDataset: label ${label} at index ${i} is outside [0, ${classNames.length}) for ${classNames.length} classes`,
        );
      }
    }
    this.images = images;
    this.labels = labels;
    this.classNames = Object.freeze([...classNames]);
    this.imageShape = Object.freeze([C, H, W] as const);
  }

  /** Wraps existing arrays (not copied): pixels of the given (N,C,H,W) shape, labels (N). */
  static fromArrays(
    pixels: Float32Array,
    shape: Shape,
    labels: Int32Array,
    classNames: readonly string[],
  ): InMemoryDataset {
    return new InMemoryDataset(new Tensor(pixels, shape), labels, classNames);
  }

  get length(): number {
    return this.labels.length;
  }

  getBatch(indices: ArrayLike<number>): Batch {
    const [C, H, W] = this.imageShape;
    const pixels = new Float32Array(indices.length * C * H * W);
    const labels = new Int32Array(indices.length);
    this.gatherInto(pixels, labels, indices);
    return { images: new Tensor(pixels, [indices.length, C, H, W]), labels };
  }

  gatherInto(images: Float32Array, labels: Int32Array, indices: ArrayLike<number>): void {
    const [C, H, W] = this.imageShape;
    const stride = C * H * W;
    const B = indices.length;
    if (images.length < B * stride || labels.length < B) {
      throw new RangeError(
        `gatherInto: ${B} images of ${stride} values need buffers of ${B * stride} and ${B}, got ${images.length} and ${labels.length}`,
      );
    }
    const source = this.images.data;
    for (let i = 0; i < B; i++) {
      const k = indices[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.length) {
        throw new RangeError(`gatherInto: index ${k} is outside the set of ${this.length} images`);
      }
      images.set(source.subarray(k * stride, (k + 1) * stride), i * stride);
      labels[i] = this.labels[k];
    }
  }

  /** A new dataset holding copies of the images at the given indices, in that order. */
  subset(indices: ArrayLike<number>): InMemoryDataset {
    const batch = this.getBatch(indices);
    return new InMemoryDataset(batch.images, batch.labels, this.classNames);
  }

  /**
   * Splits the dataset into two disjoint random subsets of `firstCount` and N - firstCount
   * images, from a seeded shuffle (the same seed always gives the same split).
   */
  randomSplit(firstCount: number, seed: number): [InMemoryDataset, InMemoryDataset] {
    if (!Number.isInteger(firstCount) || firstCount < 0 || firstCount > this.length) {
      throw new RangeError(
        `randomSplit: first part of ${firstCount} images is not within [0, ${this.length}]`,
      );
    }
    const order = new Rng(seed).shuffle(Array.from({ length: this.length }, (_, i) => i));
    return [this.subset(order.slice(0, firstCount)), this.subset(order.slice(firstCount))];
  }

  /**
   * Holds out `fraction` of every class (rounded, at least one image of a class with two or
   * more, never all of it), from a seeded shuffle: [kept, held out], each in a seeded random
   * order, so every class is in both parts in its own proportion. A class of one image stays in
   * the kept part.
   */
  stratifiedSplit(fraction: number, seed: number): [InMemoryDataset, InMemoryDataset] {
    if (!(fraction > 0 && fraction < 1)) {
      throw new RangeError(`stratifiedSplit: fraction must be in (0, 1), got ${fraction}`);
    }
    const rng = new Rng(seed);
    const byClass = Array.from({ length: this.classNames.length }, (): number[] => []);
    this.labels.forEach((label, i) => byClass[label].push(i));
    const kept: number[] = [];
    const held: number[] = [];
    for (const indices of byClass) {
      const order = rng.shuffle(indices);
      const n = order.length;
      const count = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
      held.push(...order.slice(0, count));
      kept.push(...order.slice(count));
    }
    return [this.subset(rng.shuffle(kept)), this.subset(rng.shuffle(held))];
  }
}
