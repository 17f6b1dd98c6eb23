/**
 * What the subcommands share: the output streams, the argument parsers (each rejects a bad
 * value with the expected form and the value given; commander prefixes the option's name), the
 * --threads/--backend pair, the refusal of options a run does not take, and number formatting.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { InputPreparation } from '../train/predict.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { threadLimit } from '../kernels/wasm/platform.js';
import { PRESET_NAMES, isPresetName } from '../nn/preset-table.js';
import { BUILTIN_DATASETS } from '../train/recipe.js';

/** Where the commands write; tests pass their own. */
export interface CliOutput {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** A subcommand's file exports one of these; program.ts registers it. */
export type SubcommandFactory = (output: CliOutput) => Command;

export function parseInteger(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}, got '${value}'`);
    }
    return n;
  };
}

/** An integer in [min, max]; `why` says where max comes from. */
export function parseIntegerIn(min: number, max: number, why: string) {
  return (value: string): number => {
    const n = parseInteger(min)(value);
    if (n > max) {
      throw new InvalidArgumentError(
        `expected an integer in [${min}, ${max}] (${why}), got '${value}'`,
      );
    }
    return n;
  };
}

/** A fraction strictly between 0 and 1. */
export function parseOpenFraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1)) {
    throw new InvalidArgumentError(`expected a number in (0, 1), got '${value}'`);
  }
  return n;
}

/** An option's flag from its attribute name: valSplit -> --val-split. */
export function optionFlag(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The flags of the options `names` that were given on the command line, in that order. */
export function givenFlags(command: Command, names: readonly string[]): string[] {
  return names.filter((name) => command.getOptionValueSource(name) === 'cli').map(optionFlag);
}

/**
 * Refuses the options `names` where given on the command line, naming them all:
 * "--a, --b apply to <where>" ("applies" for one).
 */
export function refuseGiven(command: Command, names: readonly string[], where: string): void {
  const given = givenFlags(command, names);
  if (given.length === 0) return;
  throw new Error(`${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to ${where}`);
}

/**
 * A note on stderr when a built-in dataset's name is also a folder here: the built-in one is
 * used, and ./<name> means the folder.
 */
export function noteDatasetName(name: string, output: CliOutput): void {
  if ((BUILTIN_DATASETS as readonly string[]).includes(name) && existsSync(name)) {
    output.stderr.write(
      `convnet: note: --dataset ${name} is the built-in dataset, not the folder ${name} here; for the folder, write --dataset ./${name}\n`,
    );
  }
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  }
  return n;
}

export function parseNonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number >= 0, got '${value}'`);
  }
  return n;
}

export function parseFraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) {
    throw new InvalidArgumentError(`expected a number in [0, 1), got '${value}'`);
  }
  return n;
}

export function parseChannels(value: string): number {
  if (value !== '1' && value !== '3')
    throw new InvalidArgumentError(`expected 1 (grayscale) or 3 (RGB), got '${value}'`);
  return Number(value);
}

export function parseModelPreset(value: string): string {
  if (!isPresetName(value) && !value.endsWith('.json')) {
    throw new InvalidArgumentError(
      `unknown model '${value}'; give a preset (${PRESET_NAMES.join(', ')}) or a graph file (.json, see docs/graphs.md)`,
    );
  }
  return value;
}

/** --threads: an integer from 1 to the backend's limit (THREADS_PER_CORE per core). */
export function parseThreads(value: string): number {
  const n = parseInteger(1)(value);
  const limit = threadLimit(availableParallelism());
  if (n > limit.max) {
    throw new InvalidArgumentError(
      `expected at most ${limit.max} threads (${limit.reason}), got '${value}'`,
    );
  }
  return n;
}

/** Adds --threads and --backend to a command. */
export function withBackendOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--threads <n>',
        `worker threads for the fast kernels (default: all cores; at most ${threadLimit(availableParallelism()).reason})`,
      ).argParser(parseThreads),
    )
    .addOption(
      new Option(
        '--backend <kind>',
        'kernels: wasm (fast, SIMD on all cores) or reference (plain loops)',
      )
        .choices(['wasm', 'reference'])
        .default('wasm'),
    );
}

/** The help line of --model where it takes a trained model. */
export const TRAINED_MODEL_HELP =
  'checkpoint directory written by convnet train --out, or a model file (model.safetensors)';

/** The help of --invert / --no-invert */
export const AUTO_INVERT_HELP =
  'use 1 - pixel (--no-invert: never). By default a model trained on light-on-dark images (MNIST, Fashion-MNIST) gets dark-on-light images (a bright border) inverted, and the output says so';

/** The help of --resize */
export const RESIZE_HELP =
  "how an image is brought to the model's input: mnist-digit (crop to the ink, fit 20x20, centre by mass in 28x28), fit (keep the aspect ratio, pad with the background), stretch (as image-folder training resizes). Default: mnist-digit for MNIST models, fit for Fashion-MNIST, stretch for image-folder models";

export const RESIZE_CHOICES: readonly InputPreparation[] = ['mnist-digit', 'fit', 'stretch'];

export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
