/**
 * `convnet summary [--model PRESET|FILE|DIR]`: prints a model's layers, output shapes and
 * parameter counts (and, for a graph that is not a chain, what each node takes), for a preset of
 * the table (built with the given input), a graph file or a trained model.
 */
import { Command, Option } from 'commander';
import { COMMON_PRESET_DEFAULTS, PRESET_NAMES } from '../nn/preset-table.js';
import { summarizeModel } from '../train/trained-model.js';
import { parseInteger, type CliOutput } from './options.js';

interface SummaryFlags {
  model: string;
  imageSize: number;
  channels: number;
  classes: number;
}

/** `convnet summary`. */
export function summaryCommand(output: CliOutput): Command {
  return new Command('summary')
    .description("print a model's layers, output shapes and parameter counts")
    .addOption(
      new Option(
        '--model <preset-file-or-dir>',
        `a preset (${PRESET_NAMES.join(', ')}), a graph file (.json) or a checkpoint directory`,
      ).default('seed-net'),
    )
    .addOption(
      new Option('--image-size <n>', 'presets: input height and width')
        .argParser(parseInteger(1))
        .default(COMMON_PRESET_DEFAULTS.imageSize),
    )
    .addOption(
      new Option('--channels <n>', 'presets: input channels')
        .argParser(parseInteger(1))
        .default(COMMON_PRESET_DEFAULTS.inChannels),
    )
    .addOption(
      new Option('--classes <n>', 'presets: number of classes')
        .argParser(parseInteger(1))
        .default(COMMON_PRESET_DEFAULTS.numClasses),
    )
    .action(async function (this: Command) {
      const flags = this.opts<SummaryFlags>();
      const target = await summarizeModel(flags.model, {
        imageSize: flags.imageSize,
        channels: flags.channels,
        classes: flags.classes,
      });
      output.stdout.write(`${target.title}\n${target.summary.table}\n`);
    });
}
