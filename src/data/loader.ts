/**
 * DataLoader: a dataset served as shuffled, normalised, augmented batches.
 *
 *   const augment = { cropPadding: 2, horizontalFlip: true };
 *   const loader = new DataLoader(train, { batchSize: 64, seed: 1, normalize, augment });
 *   for (const { images, labels } of loader.epoch(k)) { ... } // images (B,C,H,W), labels (B)
 *
 * Reproducible from (seed, epoch) alone: epoch k's order and augmentations come from two Rngs
 * seeded by hashing (seed, k, stream), so resuming at epoch k gives exactly the batches an
 * uninterrupted run would see, and turning augmentation on or off leaves the order unchanged.
 *
 * Per sample, in PyTorch's transform order (RandomCrop(padding), RandomHorizontalFlip, Normalize):
 *
 *   crop: pad the image with p zeros on each side and cut an H x W window at a random offset
 *         (oy, ox) in [0, 2p]: crop[y,x] = x[y + oy - p, x + ox - p], 0 outside the image
 *   flip: with probability 1/2, out[y,x] = crop[y, W-1-x]
 *   normalise: out[c] = (out[c] - mean[c]) / std[c]
 *
 * With augmentation, all three run in one pass from the gathered images (into a scratch buffer
 * allocated once per loader); without, the batch is gathered and normalised in place. Each
 * batch gets its own freshly allocated arrays (one images buffer, one labels buffer), so a
 * batch stays valid after the next one is made. One epoch of 60,000 28x28 images in batches
 * of 64 takes about 0.06 s plain, 0.12 s normalised and 0.2 s augmented
 * (scripts/loader-speed.ts).
 */
import { Rng } from '../rng.js';
import { Tensor } from '../tensor.js';
import type { Batch, Dataset } from './dataset.js';

/** Per-channel statistics: out[c] = (x[c] - mean[c]) / std[c]. */
export interface NormalizeOptions {
  mean: readonly number[];
  std: readonly number[];
}

export interface AugmentOptions {
  /** Pad each side with this many zero pixels, then crop back at a random offset; default 0. */
  cropPadding?: number;
  /** Mirror each image left-right with probability 1/2; default false. */
  horizontalFlip?: boolean;
}

export interface DataLoaderOptions {
  /** Images per batch. */
  batchSize: number;
  /** Reshuffle every epoch; default true. Without it, batches follow the dataset's order. */
  shuffle?: boolean;
  /** The seed of every epoch's order and augmentation; default 0. */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize; default false (kept). */
  dropLast?: boolean;
  /** Per-channel normalisation; default none. */
  normalize?: NormalizeOptions;
  /** Random crop and flip; default none (use it for training loaders only). */
  augment?: AugmentOptions;
}

/** The Rng stream used for each purpose within an epoch. */
const ORDER_STREAM = 1;
const AUGMENT_STREAM = 2;

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the output. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The seed of one stream of one epoch: a hash of (seed, epoch, stream). */
export function epochSeed(seed: number, epoch: number, stream: number): number {
  return mix32(mix32(mix32(seed >>> 0) ^ (epoch >>> 0)) ^ stream);
}

function checkInteger(value: number, name: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`DataLoader: ${name} must be an integer >= ${min}, got ${value}`);
  }
}

export class DataLoader {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  private readonly cropPadding: number;
  private readonly horizontalFlip: boolean;
  /** Per channel: out = x * scale[c] + shift[c], i.e. scale = 1/std, shift = -mean/std. */
  private readonly scale: Float32Array;
  private readonly shift: Float32Array;
  /** Gathered, not yet augmented images; allocated on first use. */
  private scratch: Float32Array | null = null;

  constructor(
    dataset: Dataset,
    {
      batchSize,
      shuffle = true,
      seed = 0,
      dropLast = false,
      normalize,
      augment = {},
    }: DataLoaderOptions,
  ) {
    checkInteger(batchSize, 'batchSize', 1);
    checkInteger(seed, 'seed', -(2 ** 31));
    const { cropPadding = 0, horizontalFlip = false } = augment;
    checkInteger(cropPadding, 'augment.cropPadding', 0);
    const [C] = dataset.imageShape;
    this.scale = new Float32Array(C).fill(1);
    this.shift = new Float32Array(C);
    if (normalize !== undefined) {
      const { mean, std } = normalize;
      if (mean.length !== C || std.length !== C) {
        throw new RangeError(
          `DataLoader: normalize needs one mean and one std per channel (${C}), got ${mean.length} and ${std.length}`,
        );
      }
      for (let c = 0; c < C; c++) {
        if (!Number.isFinite(mean[c]) || !Number.isFinite(std[c]) || std[c] <= 0) {
          throw new RangeError(
            `DataLoader: channel ${c} needs a finite mean and a positive std, got mean ${mean[c]}, std ${std[c]}`,
          );
        }
        this.scale[c] = 1 / std[c];
        this.shift[c] = -mean[c] / std[c];
      }
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
    this.cropPadding = cropPadding;
    this.horizontalFlip = horizontalFlip;
  }

  /** The number of batches each epoch yields. */
  get batchesPerEpoch(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The order in which epoch k visits the dataset: a seeded permutation, or 0..N-1. */
  order(epoch: number): Int32Array {
    checkInteger(epoch, 'epoch', 0);
    const n = this.dataset.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (!this.shuffle) return order;
    const rng = new Rng(epochSeed(this.seed, epoch, ORDER_STREAM));
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /** The batches of epoch k (k = 0, 1, ...), the same for the same (seed, k) on every run. */
  *epoch(epoch: number): Generator<Batch, void, undefined> {
    const order = this.order(epoch);
    const augmentRng = new Rng(epochSeed(this.seed, epoch, AUGMENT_STREAM));
    const [C, H, W] = this.dataset.imageShape;
    const stride = C * H * W;
    const batches = this.batchesPerEpoch;
    for (let b = 0; b < batches; b++) {
      const indices = order.subarray(b * this.batchSize, (b + 1) * this.batchSize);
      const B = indices.length;
      const pixels = new Float32Array(B * stride);
      const labels = new Int32Array(B);
      if (this.cropPadding === 0 && !this.horizontalFlip) {
        this.dataset.gatherInto(pixels, labels, indices);
        this.normalizeInPlace(pixels, B);
      } else {
        if (this.scratch === null) this.scratch = new Float32Array(this.batchSize * stride);
        this.dataset.gatherInto(this.scratch, labels, indices);
        this.augmentInto(pixels, this.scratch, B, augmentRng);
      }
      yield { images: new Tensor(pixels, [B, C, H, W]), labels };
    }
  }

  private normalizeInPlace(pixels: Float32Array, B: number): void {
    const [C, H, W] = this.dataset.imageShape;
    const plane = H * W;
    for (let c = 0; c < C; c++) {
      const scale = this.scale[c];
      const shift = this.shift[c];
      if (scale === 1 && shift === 0) continue;
      for (let n = 0; n < B; n++) {
        const base = (n * C + c) * plane;
        for (let p = base; p < base + plane; p++) pixels[p] = pixels[p] * scale + shift;
      }
    }
  }

  /** y:(B,C,H,W) = normalise(flip(crop(x))), drawing each sample's offsets and flip in order. */
  private augmentInto(y: Float32Array, x: Float32Array, B: number, rng: Rng): void {
    const [C, H, W] = this.dataset.imageShape;
    const pad = this.cropPadding;
    for (let n = 0; n < B; n++) {
      const dy = pad > 0 ? rng.int(2 * pad + 1) - pad : 0;
      const dx = pad > 0 ? rng.int(2 * pad + 1) - pad : 0;
      const flip = this.horizontalFlip && rng.next() < 0.5;
      for (let c = 0; c < C; c++) {
        const scale = this.scale[c];
        const shift = this.shift[c];
        const plane = (n * C + c) * H * W;
        for (let row = 0; row < H; row++) {
          const sy = row + dy;
          const out = plane + row * W;
          if (sy < 0 || sy >= H) {
            y.fill(shift, out, out + W);
            continue;
          }
          const src = plane + sy * W;
          for (let col = 0; col < W; col++) {
            const sx = (flip ? W - 1 - col : col) + dx;
            y[out + col] = sx >= 0 && sx < W ? x[src + sx] * scale + shift : shift;
          }
        }
      }
    }
  }
}

/**
 * Each channel's mean and (population) standard deviation over a whole dataset, in float64:
 * the statistics to pass as `normalize`.
 */
export function channelStats(dataset: Dataset, chunkSize = 1024): NormalizeOptions {
  const [C, H, W] = dataset.imageShape;
  const plane = H * W;
  const sum = new Float64Array(C);
  const sumSquares = new Float64Array(C);
  const pixels = new Float32Array(chunkSize * C * plane);
  const labels = new Int32Array(chunkSize);
  const indices = new Int32Array(chunkSize);
  for (let start = 0; start < dataset.length; start += chunkSize) {
    const B = Math.min(chunkSize, dataset.length - start);
    for (let i = 0; i < B; i++) indices[i] = start + i;
    dataset.gatherInto(pixels, labels, indices.subarray(0, B));
    for (let n = 0; n < B; n++) {
      for (let c = 0; c < C; c++) {
        const base = (n * C + c) * plane;
        let s = 0;
        let s2 = 0;
        for (let p = base; p < base + plane; p++) {
          s += pixels[p];
          s2 += pixels[p] * pixels[p];
        }
        sum[c] += s;
        sumSquares[c] += s2;
      }
    }
  }
  const count = dataset.length * plane;
  if (count === 0) throw new RangeError('channelStats: the dataset is empty');
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(sumSquares, (s2, c) => Math.sqrt(Math.max(s2 / count - mean[c] ** 2, 0)));
  return { mean, std };
}
