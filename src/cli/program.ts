/**
 * The `convnet` command line: argument parsing only (commander); every command calls the
 * library and prints what it returns. Each subcommand is a file of its own here; this file
 * assembles them, so a new subcommand is one file, its import here and one entry in SUBCOMMANDS.
 *
 *   convnet train      [--dataset mnist|fashion-mnist|<folder>] [--model seed-net|lenet5|...]
 *                      [--epochs N] [--batch-size N] [--optimizer sgd|adam|adamw] [--lr X] ...
 *                      [--out DIR] [--resume DIR]                              (train.ts)
 *   convnet eval       --model DIR [--dataset ...]                             (eval.ts)
 *   convnet predict    --model DIR IMAGE...                                    (predict.ts)
 *   convnet segment    --model DIR IMAGE --out FILE [--raw] [--json]          (segment.ts)
 *   convnet visualize  --model DIR --image FILE --out DIR                      (visualize.ts)
 *   convnet summary    [--model PRESET|DIR]                                    (summary.ts)
 *   convnet index      --model DIR [--dataset D | --images DIR] [--out INDEX]   (index-gallery.ts)
 *   convnet search     --index INDEX | --model DIR [--hnsw | --store DB] IMAGE (search.ts)
 *   convnet detect     --model DIR IMAGE [--out boxes.png] [--json]            (detect.ts)
 *   convnet export     --model DIR --out model.onnx                            (export.ts)
 *   convnet import     model.onnx --out DIR                                    (import.ts)
 */
import { readFileSync } from 'node:fs';
import { Command, type OutputConfiguration } from 'commander';
import { detectCommand } from './detect.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { indexCommand } from './index-gallery.js';
import type { CliOutput, SubcommandFactory } from './options.js';
import { predictCommand } from './predict.js';
import { searchCommand } from './search.js';
import { segmentCommand } from './segment.js';
import { summaryCommand } from './summary.js';
import { trainCommand } from './train.js';
import { visualizeCommand } from './visualize.js';

export type { CliOutput } from './options.js';

/** The subcommands, in the order --help lists them. */
const SUBCOMMANDS: readonly SubcommandFactory[] = [
  trainCommand,
  evalCommand,
  predictCommand,
  segmentCommand,
  visualizeCommand,
  summaryCommand,
  indexCommand,
  searchCommand,
  detectCommand,
  exportCommand,
  importCommand,
];

/** The package's version, from package.json (two levels up from src/cli and from dist/cli). */
function packageVersion(): string {
  const pkg: unknown = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  );
  const version =
    typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

/**
 * Every error on one prefix: commander's own ("error: unknown option ...") become
 * "convnet: error: ...", as main.ts writes the errors that the commands throw.
 */
function outputTo(output: CliOutput): OutputConfiguration {
  return {
    writeOut: (text) => output.stdout.write(text),
    writeErr: (text) => output.stderr.write(text),
    outputError: (text, write) => write(`convnet: ${text}`),
  };
}

/** Marks the options a command requires in its --help: "(required)" after the description. */
function markRequired(command: Command): void {
  for (const option of command.options) {
    if (option.mandatory && !option.description.endsWith('(required)'))
      option.description = `${option.description} (required)`;
  }
}

/** The `convnet` program, writing to the given streams. */
export function createProgram(
  output: CliOutput = { stdout: process.stdout, stderr: process.stderr },
): Command {
  const program = new Command('convnet')
    .description(
      'Convolutional neural networks in TypeScript: train, evaluate and use image classifiers',
    )
    .version(packageVersion(), '-V, --version', 'print the version of convnet-ts')
    .configureOutput(outputTo(output))
    .showHelpAfterError('(run with --help for usage)');
  for (const command of SUBCOMMANDS.map((factory) => factory(output))) {
    command.configureOutput(outputTo(output));
    markRequired(command);
    command.showHelpAfterError(`(run convnet ${command.name()} --help for usage)`);
    program.addCommand(command);
  }
  return program;
}
