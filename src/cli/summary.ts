/**
 * `convnet summary [--model PRESET|FILE|DIR] [--out net.svg|net.png]`: prints a model's layers,
 * output shapes and parameter counts (and, for a graph that is not a chain, what each node
 * takes), for a preset of the table (built with the given input), a graph file or a trained
 * model; with --out, also draws its architecture (src/viz/architecture.ts) as SVG or PNG, chosen
 * by the file's extension.
 */
import { basename, dirname, extname } from 'node:path';
import { Command, Option } from 'commander';
import { COMMON_PRESET_DEFAULTS, PRESET_NAMES } from '../nn/preset-table.js';
import { summarizeModel, type SummaryTarget } from '../train/trained-model.js';
import { architecturePng } from '../viz/architecture-png.js';
import { architectureSvg } from '../viz/architecture.js';
import { writeOutputFile, type WrittenFile } from '../viz/output.js';
import { parseInteger, type CliOutput } from './options.js';

interface SummaryFlags {
  model: string;
  imageSize: number;
  channels: number;
  classes: number;
  out?: string;
}

const PICTURE_TYPES = ['.svg', '.png'];

/** Writes the architecture picture of the summarized model to `out` (.svg or .png). */
async function writeArchitecture(target: SummaryTarget, out: string): Promise<WrittenFile> {
  const type = extname(out).toLowerCase();
  const options = { title: target.title };
  const data =
    type === '.svg'
      ? architectureSvg(target.model, options)
      : await architecturePng(target.model, options);
  return writeOutputFile(dirname(out), basename(out), data);
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
    .addOption(
      new Option(
        '--out <file>',
        'also draw the architecture to this file: .svg, or .png (2 pixels per unit)',
      ),
    )
    .action(async function (this: Command) {
      const flags = this.opts<SummaryFlags>();
      if (flags.out !== undefined && !PICTURE_TYPES.includes(extname(flags.out).toLowerCase())) {
        throw new Error(
          `--out ${flags.out}: the picture is written as .svg or .png (by the extension)`,
        );
      }
      const target = await summarizeModel(flags.model, {
        imageSize: flags.imageSize,
        channels: flags.channels,
        classes: flags.classes,
      });
      output.stdout.write(`${target.title}\n${target.summary.table}\n`);
      if (flags.out !== undefined) {
        const written = await writeArchitecture(target, flags.out);
        output.stdout.write(`architecture: ${written.path} (${written.bytes} bytes)\n`);
      }
    });
}
