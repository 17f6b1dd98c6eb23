/**
 * `convnet visualize --model DIR --image FILE [--out DIR]`: writes PNG files of what a trained
 * model sees in one image (feature maps, first-layer filters, class probabilities), by default
 * into visualize-<image name> in the current directory.
 */
import { basename, extname } from 'node:path';
import { Command, Option } from 'commander';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { formatVisualization, visualizeCheckpoint } from '../viz/cli-visualize.js';
import type { InputPreparation } from '../train/predict.js';
import {
  AUTO_INVERT_HELP,
  RESIZE_CHOICES,
  RESIZE_HELP,
  TRAINED_MODEL_HELP,
  withBackendOptions,
  type CliOutput,
} from './options.js';

interface VisualizeFlags {
  model: string;
  image: string;
  out?: string;
  /** Undefined: automatic. */
  invert?: boolean;
  resize?: InputPreparation;
  threads?: number;
  backend: BackendChoice;
}

/** `convnet visualize`. */
export function visualizeCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('visualize')
      .description(
        'draw what a trained model sees in one image: feature maps after every layer, first-layer filters, class probabilities (PNG files)',
      )
      .requiredOption('--model <dir>', TRAINED_MODEL_HELP)
      .requiredOption('--image <file>', 'a PNG or JPEG image')
      .option(
        '--out <dir>',
        'where to write the PNG files, created if needed (default: visualize-<image name without extension>)',
      )
      .option('--invert', AUTO_INVERT_HELP)
      .option('--no-invert', 'never invert')
      .addOption(new Option('--resize <how>', RESIZE_HELP).choices(RESIZE_CHOICES)),
  ).action(async function (this: Command) {
    const flags = this.opts<VisualizeFlags>();
    const backend = await selectBackend(flags.backend, flags.threads);
    try {
      const result = await visualizeCheckpoint({
        model: flags.model,
        image: flags.image,
        out: flags.out ?? defaultOut(flags.image),
        invert: flags.invert ?? 'auto',
        preparation: flags.resize,
      });
      output.stdout.write(`${formatVisualization(result)}\n`);
    } finally {
      backend.dispose();
    }
  });
}

/** visualize-<image name without its extension>, in the current directory. */
export function defaultOut(image: string): string {
  const name = basename(image);
  return `visualize-${name.slice(0, name.length - extname(name).length) || name}`;
}
