/**
 * Numerical safety: finding the first parameter (in namedParameters() order) whose value or
 * gradient holds a NaN or an infinity, and the error that stops training with the step and
 * that parameter's name.
 *
 * A value v is finite exactly when v * 0 === 0 (NaN * 0 and Inf * 0 are NaN, and a finite v
 * gives +0 or -0), so a sum of eight such products is 0 exactly when all eight are finite: one
 * branch per eight elements. Checking every gradient of the seed net (421,642 values) takes
 * 0.32-0.35 ms so, 0.72-0.75 ms with a test of each element (v - v !== 0), of a 30-40 ms step.
 */
import type { NamedTensor } from '../nn/module.js';
import type { FloatArray } from '../tensor.js';

/** The index of the first NaN or ±Infinity in values, or -1. */
export function firstNonFinite(values: FloatArray): number {
  const n = values.length;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const sum =
      values[i] * 0 +
      values[i + 1] * 0 +
      values[i + 2] * 0 +
      values[i + 3] * 0 +
      values[i + 4] * 0 +
      values[i + 5] * 0 +
      values[i + 6] * 0 +
      values[i + 7] * 0;
    if (sum !== 0) break;
  }
  for (; i < n; i++) {
    if (values[i] * 0 !== 0) return i;
  }
  return -1;
}

/** Where a non-finite number was found. */
export interface NonFiniteLocation {
  /** The parameter's dotted name, e.g. 'features.0.weight'. */
  parameter: string;
  /** Whether the parameter's value or its gradient holds it. */
  kind: 'value' | 'gradient';
  /** The element's index and value. */
  index: number;
  value: number;
  size: number;
}

/** The first parameter whose value (kind 'value') or gradient ('gradient') is not finite. */
export function findNonFinite(
  named: readonly NamedTensor[],
  kind: 'value' | 'gradient',
): NonFiniteLocation | null {
  for (const [parameter, tensor] of named) {
    const data = kind === 'value' ? tensor.data : tensor.grad?.data;
    if (data === undefined) continue;
    const index = firstNonFinite(data);
    if (index >= 0) return { parameter, kind, index, value: data[index], size: data.length };
  }
  return null;
}

/** Where in training it happened. */
export interface NonFiniteContext {
  /** The optimizer step that failed (1-based over the whole run). */
  step: number;
  /** The epoch (1-based) and the batch within it (1-based). */
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  /** The loss of the step (NaN, ±Infinity or finite), or null if it failed elsewhere. */
  loss: number | null;
  /** The first non-finite parameter value or gradient, if any. */
  location: NonFiniteLocation | null;
  /** What the last good checkpoint is, or null if none was saved. */
  lastCheckpoint: { dir: string; epoch: number } | null;
}

/** Training stopped on a NaN or infinity; the message says where, and what to do. */
export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
  readonly context: NonFiniteContext;

  constructor(context: NonFiniteContext) {
    super(describeNonFinite(context));
    this.context = context;
  }

  get step(): number {
    return this.context.step;
  }

  /** The first parameter that went non-finite, or null. */
  get parameter(): string | null {
    return this.context.location?.parameter ?? null;
  }
}

function describeNonFinite(c: NonFiniteContext): string {
  const where = `step ${c.step} (epoch ${c.epoch}, batch ${c.batch} of ${c.batchesPerEpoch})`;
  const what =
    c.loss !== null && !Number.isFinite(c.loss)
      ? `the loss is ${c.loss}`
      : c.loss !== null
        ? `the loss is ${c.loss.toPrecision(6)} but a ${c.location?.kind ?? 'gradient'} is not finite`
        : 'a parameter is not finite';
  const at = c.location;
  const first =
    at === null
      ? 'no parameter value or gradient is non-finite (the data or the loss is)'
      : `the first non-finite parameter ${at.kind} is ${at.parameter} (${at.value} at element ${at.index} of ${at.size})`;
  const checkpoint =
    c.lastCheckpoint === null
      ? 'No checkpoint had been saved yet.'
      : `The last good checkpoint (epoch ${c.lastCheckpoint.epoch}) in ${c.lastCheckpoint.dir} is intact: resume from it with a lower learning rate (or gradient clipping), or check the data.`;
  return `training stopped at ${where}: ${what}; ${first}. This step's update was not applied. ${checkpoint}`;
}
