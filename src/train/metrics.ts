/**
 * Classification metrics: the predicted class (argmax), accuracy, per-class accuracy (recall)
 * and the confusion matrix.
 *
 *   counts[t][p]  the number of images of true class t predicted as class p   (K x K)
 *   accuracy      sum_k counts[k][k] / sum of all counts
 *   per class k   counts[k][k] / sum_p counts[k][p]   (null for a class with no images)
 *
 * ```ts
 * const confusion = new ConfusionMatrix(10);
 * confusion.add(labels, predictions); // once per batch
 * confusion.accuracy;                 // 0.981
 * console.log(confusion.format(classNames));
 * ```
 */
import type { FloatArray } from '../tensor.js';

/**
 * The index k in [0,K) of the largest values[offset + k]: the first of ties, and NaN never
 * wins (0 when every value is NaN). K defaults to the rest of values after offset.
 */
export function argmax(values: ArrayLike<number>, offset = 0, K = values.length - offset): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let k = 0; k < K; k++) {
    const v = values[offset + k];
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  return best;
}

/** out[n] = argmax_k logits[n,k] for logits (N,K), row-major; ties go to the lowest k. NaN never wins. */
export function argmaxRows(logits: FloatArray, N: number, K: number, out: Int32Array): void {
  if (logits.length !== N * K || out.length < N) {
    throw new RangeError(
      `argmaxRows: logits (${N},${K}) need ${N * K} values and out ${N}, got ${logits.length} and ${out.length}`,
    );
  }
  for (let n = 0; n < N; n++) out[n] = argmax(logits, n * K, K);
}

/** How many rows n of logits (N,K) have their argmax at labels[n], with N = labels.length. */
export function countCorrect(logits: FloatArray, labels: ArrayLike<number>, K: number): number {
  const N = labels.length;
  if (logits.length !== N * K) {
    throw new RangeError(
      `countCorrect: logits (${N},${K}) need ${N * K} values for ${N} labels, got ${logits.length}`,
    );
  }
  let correct = 0;
  for (let n = 0; n < N; n++) if (argmax(logits, n * K, K) === labels[n]) correct++;
  return correct;
}

/** The fraction of predictions equal to their labels (NaN for no predictions). */
export function accuracy(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  if (labels.length !== predictions.length) {
    throw new RangeError(`accuracy: ${labels.length} labels but ${predictions.length} predictions`);
  }
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predictions[i]) correct++;
  return correct / labels.length;
}

export interface ConfusionMatrixJson {
  [key: string]: number | number[][] | (number | null)[];
  numClasses: number;
  total: number;
  accuracy: number;
  perClassAccuracy: (number | null)[];
  /** counts[true][predicted]. */
  counts: number[][];
}

/** Counts of (true class, predicted class) pairs, accumulated batch by batch. */
export class ConfusionMatrix {
  readonly numClasses: number;
  /** Row-major (K,K): counts[t * K + p]. */
  readonly counts: Float64Array;

  constructor(numClasses: number) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new RangeError(
        `ConfusionMatrix: numClasses must be a positive integer, got ${numClasses}`,
      );
    }
    this.numClasses = numClasses;
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /** Adds one count per (labels[i], predictions[i]) pair; all are checked before any is added. */
  add(labels: ArrayLike<number>, predictions: ArrayLike<number>): void {
    const K = this.numClasses;
    if (labels.length !== predictions.length) {
      throw new RangeError(
        `ConfusionMatrix.add: ${labels.length} labels but ${predictions.length} predictions`,
      );
    }
    const inRange = (c: number): boolean => Number.isInteger(c) && c >= 0 && c < K;
    for (let i = 0; i < labels.length; i++) {
      if (!inRange(labels[i]) || !inRange(predictions[i])) {
        throw new RangeError(
          `ConfusionMatrix.add: pair ${i} (label ${labels[i]}, prediction ${predictions[i]}) is outside the ${K} classes`,
        );
      }
    }
    for (let i = 0; i < labels.length; i++) this.counts[labels[i] * K + predictions[i]]++;
  }

  /** counts[t][p]. */
  count(trueClass: number, predictedClass: number): number {
    return this.counts[trueClass * this.numClasses + predictedClass];
  }

  get total(): number {
    let total = 0;
    for (const c of this.counts) total += c;
    return total;
  }

  get correct(): number {
    let correct = 0;
    for (let k = 0; k < this.numClasses; k++) correct += this.count(k, k);
    return correct;
  }

  /** Correct / total; NaN when nothing was added. */
  get accuracy(): number {
    return this.correct / this.total;
  }

  /** For each true class, the fraction of its images predicted correctly; null if it has none. */
  perClassAccuracy(): (number | null)[] {
    const K = this.numClasses;
    return Array.from({ length: K }, (_, t) => {
      let row = 0;
      for (let p = 0; p < K; p++) row += this.count(t, p);
      return row === 0 ? null : this.count(t, t) / row;
    });
  }

  toJson(): ConfusionMatrixJson {
    const K = this.numClasses;
    return {
      numClasses: K,
      total: this.total,
      accuracy: this.total === 0 ? 0 : this.accuracy,
      perClassAccuracy: this.perClassAccuracy(),
      counts: Array.from({ length: K }, (_, t) =>
        Array.from({ length: K }, (__, p) => this.count(t, p)),
      ),
    };
  }

  /**
   * A table of per-class accuracy, then the matrix (rows: true class, columns: predicted), with
   * the class names (or indices) as labels:
   *
   *   class   accuracy   images
   *   0        99.49%      196
   *   ...
   */
  format(classNames: readonly string[] = []): string {
    const K = this.numClasses;
    const name = (k: number): string => classNames[k] ?? String(k);
    const perClass = this.perClassAccuracy();
    const nameWidth = Math.max(5, ...Array.from({ length: K }, (_, k) => name(k).length));
    const lines = [`${'class'.padEnd(nameWidth)}   accuracy   images`];
    for (let k = 0; k < K; k++) {
      let images = 0;
      for (let p = 0; p < K; p++) images += this.count(k, p);
      const acc = perClass[k];
      const text = acc === null ? '-' : `${(100 * acc).toFixed(2)}%`;
      lines.push(
        `${name(k).padEnd(nameWidth)}   ${text.padStart(8)}   ${String(images).padStart(6)}`,
      );
    }
    lines.push('', 'confusion matrix (rows: true class, columns: predicted class)');
    const cellWidth = Math.max(
      ...Array.from(this.counts, (c) => String(c).length),
      ...Array.from({ length: K }, (_, k) => String(k).length),
    );
    const header = Array.from({ length: K }, (_, p) => String(p).padStart(cellWidth)).join(' ');
    lines.push(`${''.padEnd(nameWidth)}   ${header}`);
    for (let t = 0; t < K; t++) {
      const row = Array.from({ length: K }, (_, p) => String(this.count(t, p)).padStart(cellWidth));
      lines.push(`${name(t).padEnd(nameWidth)}   ${row.join(' ')}`);
    }
    if (classNames.length > 0 && classNames.some((c, k) => c !== String(k))) {
      lines.push(`columns: ${Array.from({ length: K }, (_, k) => `${k} = ${name(k)}`).join(', ')}`);
    }
    return lines.join('\n');
  }
}
