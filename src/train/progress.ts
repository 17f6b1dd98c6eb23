/**
 * Progress reporting for fit(): what the training loop tells the outside world, and two
 * reporters.
 *
 *   consoleReporter()  on a terminal, a progress bar per epoch (cli-progress) with the running
 *                      loss, the batch's named metrics (classification: acc; detection: its
 *                      loss terms and the lr), images/s and the epoch's ETA, replaced at the end
 *                      of the epoch by a one-line summary; when the stream is not a terminal (a
 *                      pipe, a file, CI), only the one-line summary per epoch
 *   silentReporter     nothing (the default for library calls)
 *
 *   epoch 2/5  train loss 0.0521 acc 98.41%  test loss 0.0436 acc 98.60%  1,012 img/s  8.4 s
 */
import { Presets, SingleBar } from 'cli-progress';
import type { EpochRecord } from './history.js';

export interface EpochStartInfo {
  /** 1-based. */
  epoch: number;
  epochs: number;
  batches: number;
  images: number;
}

/**
 * A figure the bar shows after the loss, by name: 'fixed' as 0.1234, 'percent' as 98.41%,
 * 'exponential' as 2.00e-3 (a learning rate).
 */
export interface ProgressMetric {
  name: string;
  value: number;
  format?: 'fixed' | 'percent' | 'exponential';
}

export interface BatchInfo {
  /** 1-based. */
  epoch: number;
  batch: number;
  batches: number;
  /** The running mean of the loss over the epoch so far. */
  loss: number;
  /** Further figures (running means, the current lr), shown in this order after the loss. */
  metrics?: readonly ProgressMetric[];
  imagesPerSecond: number;
}

export interface ProgressReporter {
  /** A line of information (kernel path, resume point, ...). */
  message(text: string): void;
  epochStart(info: EpochStartInfo): void;
  batch(info: BatchInfo): void;
  epochEnd(record: EpochRecord, epochs: number): void;
  /** Called once when fit ends, normally or not: releases the terminal. */
  close(): void;
}

export const silentReporter: ProgressReporter = {
  message: () => undefined,
  epochStart: () => undefined,
  batch: () => undefined,
  epochEnd: () => undefined,
  close: () => undefined,
};

/** '1,234'. */
function formatRate(imagesPerSecond: number): string {
  return Math.round(imagesPerSecond).toLocaleString('en-US');
}

function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

/** 'loss 0.1234 | acc 98.41%': a bar's figures. */
export function formatProgressMetrics(loss: number, metrics: readonly ProgressMetric[]): string {
  const text = ({ value, format = 'fixed' }: ProgressMetric): string => {
    if (!Number.isFinite(value)) return String(value);
    if (format === 'percent') return percent(value);
    return format === 'exponential' ? value.toExponential(2) : value.toFixed(4);
  };
  return [{ name: 'loss', value: loss }, ...metrics].map((m) => `${m.name} ${text(m)}`).join(' | ');
}

/** The one-line summary of an epoch. */
export function formatEpochSummary(record: EpochRecord, epochs: number): string {
  return [
    `epoch ${record.epoch}/${epochs}`,
    `train loss ${record.trainLoss.toFixed(4)} acc ${percent(record.trainAccuracy)}`,
    `test loss ${record.testLoss.toFixed(4)} acc ${percent(record.testAccuracy)}`,
    `${formatRate(record.imagesPerSecond)} img/s`,
    `${(record.trainSeconds + record.evalSeconds + record.checkpointSeconds).toFixed(1)} s`,
  ].join('  ');
}

/** A stream to write progress to: process.stdout, or any writable that says whether it is a terminal. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

export interface ConsoleReporterOptions {
  /** Where to write; default process.stdout. */
  stream?: ProgressStream;
  /** Draw a progress bar; default: whether the stream is a terminal. */
  interactive?: boolean;
}

/** Progress on the console: a bar on a terminal, one line per epoch otherwise. */
export function consoleReporter({
  stream = process.stdout,
  interactive = stream.isTTY === true,
}: ConsoleReporterOptions = {}): ProgressReporter {
  let bar: SingleBar | null = null;
  const stopBar = (): void => {
    if (bar !== null) bar.stop();
    bar = null;
  };
  const payload = (figures: string, imagesPerSecond: number) => ({
    figures,
    speed: formatRate(imagesPerSecond),
  });
  return {
    message(text) {
      stream.write(`${text}\n`);
    },
    epochStart({ epoch, epochs, batches }) {
      if (!interactive) return;
      stopBar();
      bar = new SingleBar(
        {
          format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} | {figures} | {speed} img/s | ETA {eta_formatted}`,
          stream,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
          fps: 10,
        },
        Presets.shades_classic,
      );
      bar.start(batches, 0, payload('loss -', 0));
    },
    batch({ batch, loss, metrics = [], imagesPerSecond }) {
      bar?.update(batch, payload(formatProgressMetrics(loss, metrics), imagesPerSecond));
    },
    epochEnd(record, epochs) {
      stopBar();
      stream.write(`${formatEpochSummary(record, epochs)}\n`);
    },
    close() {
      stopBar();
    },
  };
}

/** A bar over a count of images (embedding a dataset, indexing): update(done), then stop(). */
export interface CountProgress {
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar of `total` images labelled `label` on a terminal (the training bar's look:
 * count, images/s, ETA); nothing when the stream is not a terminal.
 */
export function countProgress(
  label: string,
  total: number,
  { stream = process.stdout, interactive = stream.isTTY === true }: ConsoleReporterOptions = {},
): CountProgress {
  if (!interactive) return { update: () => undefined, stop: () => undefined };
  const start = performance.now();
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} | {speed} img/s | ETA {eta_formatted}`,
      stream,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 10,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { speed: '0' });
  return {
    update(done) {
      bar.update(done, {
        speed: formatRate(done / Math.max(1e-9, (performance.now() - start) / 1000)),
      });
    },
    stop() {
      bar.stop();
    },
  };
}
