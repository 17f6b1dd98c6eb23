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
 *   convnet visualize  --model DIR --image FILE --out DIR                      (visualize.ts)
 *   convnet summary    [--model PRESET|DIR]                                    (summary.ts)
 */
import { Command } from 'commander';
import { evalCommand } from './eval.js';
import type { CliOutput, SubcommandFactory } from './options.js';
import { predictCommand } from './predict.js';
import { summaryCommand } from './summary.js';
import { trainCommand } from './train.js';
import { visualizeCommand } from './visualize.js';

export type { CliOutput } from './options.js';

/** The subcommands, in the order --help lists them. */
const SUBCOMMANDS: readonly SubcommandFactory[] = [
  trainCommand,
  evalCommand,
  predictCommand,
  visualizeCommand,
  summaryCommand,
];

/** The `convnet` program, writing to the given streams. */
export function createProgram(
  output: CliOutput = { stdout: process.stdout, stderr: process.stderr },
): Command {
  const program = new Command('convnet')
    .description(
      'Convolutional neural networks in TypeScript: train, evaluate and use image classifiers',
    )
    .configureOutput({
      writeOut: (text) => output.stdout.write(text),
      writeErr: (text) => output.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)');
  for (const command of SUBCOMMANDS.map((factory) => factory(output))) {
    command.configureOutput({
      writeOut: (text) => output.stdout.write(text),
      writeErr: (text) => output.stderr.write(text),
    });
    command.showHelpAfterError(`(run convnet ${command.name()} --help for usage)`);
    program.addCommand(command);
  }
  return program;
}
