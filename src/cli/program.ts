/**
 * The `convnet` command line: argument parsing only (commander); every command calls the
 * library (src/train) and prints what it returns.
 *
 *   convnet train    [--dataset mnist|fashion-mnist|<folder>] [--model seed-net|lenet5|fashion-net]
 *                    [--epochs N] [--batch-size N] [--optimizer sgd|adam|adamw] [--lr X] ...
 *                    [--out DIR] [--resume DIR]
 *   convnet eval     --model DIR [--dataset ...]
 *   convnet predict  --model DIR IMAGE...
 *   convnet summary  [--model PRESET|DIR]
 *
 * Options for tests, hidden from --help (documented in the README): train --limit-train N
 * --limit-test N (keep only the first N images of each split) and --stop-after N (train at most
 * N epochs in this call, leaving a resumable checkpoint, as if the run had been interrupted);
 * eval --limit-test N.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  BUILTIN_DATASETS,
  DEFAULT_TRAIN_CONFIG,
  OPTIMIZER_NAMES,
  SCHEDULE_NAMES,
  resolveDatasetName,
  type TrainConfig,
} from '../train/recipe.js';
import { PRESET_NAMES, isPresetName, presetEntry } from '../nn/preset-table.js';
import { consoleReporter } from '../train/progress.js';
import {
  formatVisualization,
  visualizeCheckpoint,
  writeTrainRunReport,
} from '../viz/cli-visualize.js';
import { selectBackend, trainRun, type BackendChoice } from '../train/run.js';
import {
  evaluateTrained,
  loadTrainedModel,
  predictFiles,
  summarizeModel,
} from '../train/trained-model.js';

/** Where the commands write; tests pass their own. */
export interface CliOutput {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function parseInteger(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}, got '${value}'`);
    }
    return n;
  };
}

function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  }
  return n;
}

function parseNonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number >= 0, got '${value}'`);
  }
  return n;
}

function parseFraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) {
    throw new InvalidArgumentError(`expected a number in [0, 1), got '${value}'`);
  }
  return n;
}

function parseChannels(value: string): number {
  if (value !== '1' && value !== '3')
    throw new InvalidArgumentError(`expected 1 (grayscale) or 3 (RGB), got '${value}'`);
  return Number(value);
}

function parseModelPreset(value: string): string {
  if (!isPresetName(value)) {
    throw new InvalidArgumentError(
      `unknown model '${value}'; the presets are ${PRESET_NAMES.join(', ')} (convnet summary --model NAME shows one)`,
    );
  }
  return value;
}

interface TrainFlags {
  dataset: string;
  dataDir?: string;
  imageSize: number;
  channels: number;
  model: string;
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: string;
  stepSize?: number;
  gamma: number;
  augment: boolean;
  clipGradNorm?: number;
  seed: number;
  threads?: number;
  backend: BackendChoice;
  out?: string;
  resume?: string;
  limitTrain?: number;
  limitTest?: number;
  stopAfter?: number;
}

interface EvalFlags {
  model: string;
  dataset?: string;
  dataDir?: string;
  batchSize: number;
  threads?: number;
  backend: BackendChoice;
  limitTest?: number;
  json: boolean;
}

interface PredictFlags {
  model: string;
  topK: number;
  invert: boolean;
  threads?: number;
  backend: BackendChoice;
  json: boolean;
}

interface SummaryFlags {
  model: string;
  imageSize: number;
  channels: number;
  classes: number;
}

/** Train options that may be given with --resume (the rest come from the checkpoint). */
const RESUME_OPTIONS = new Set(['resume', 'out', 'epochs', 'threads', 'backend', 'stopAfter']);

/** Adds --threads and --backend to a command. */
function withBackendOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--threads <n>',
        'worker threads for the fast kernels (default: all cores)',
      ).argParser(parseInteger(1)),
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

function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function trainCommand(output: CliOutput): Command {
  const d = DEFAULT_TRAIN_CONFIG;
  const command = withBackendOptions(
    new Command('train')
      .description('train a model on a dataset, saving a checkpoint after every epoch')
      .addOption(
        new Option(
          '--dataset <name>',
          'mnist (the embedded 8k/2k digits), fashion-mnist, or an image folder <folder>/<class>/*.png|jpg',
        ).default(d.dataset),
      )
      .option(
        '--data-dir <dir>',
        'where the Fashion-MNIST files are (default: /usr/share/datasets/fashion-mnist, else a verified download into ~/.cache)',
      )
      .addOption(
        new Option('--image-size <n>', 'image folders: resize images to n x n')
          .argParser(parseInteger(1))
          .default(d.imageSize),
      )
      .addOption(
        new Option('--channels <n>', 'image folders: 1 (grayscale) or 3 (RGB)')
          .argParser(parseChannels)
          .default(d.channels),
      )
      .addOption(
        new Option(
          '--model <preset>',
          `the network: ${PRESET_NAMES.map((p) => `${p}: ${presetEntry(p).description}`).join('; ')}`,
        )
          .argParser(parseModelPreset)
          .default(d.model),
      )
      .addOption(
        new Option('--epochs <n>', 'total epochs of the run')
          .argParser(parseInteger(1))
          .default(d.epochs),
      )
      .addOption(
        new Option('--batch-size <n>', 'images per training step')
          .argParser(parseInteger(1))
          .default(d.batchSize),
      )
      .addOption(
        new Option('--optimizer <name>', 'the optimizer')
          .choices(OPTIMIZER_NAMES)
          .default(d.optimizer),
      )
      .addOption(
        new Option('--lr <x>', 'learning rate (the peak for onecycle)')
          .argParser(parsePositiveNumber)
          .default(d.lr),
      )
      .addOption(
        new Option('--momentum <x>', 'SGD momentum').argParser(parseFraction).default(d.momentum),
      )
      .addOption(
        new Option('--weight-decay <x>', 'weight decay (L2 for sgd and adam, decoupled for adamw)')
          .argParser(parseNonNegativeNumber)
          .default(d.weightDecay),
      )
      .addOption(
        new Option(
          '--schedule <name>',
          'learning-rate schedule: step (x gamma every step-size epochs), cosine (warm-up, cosine decay per batch), onecycle, plateau (x gamma when the train loss stalls 2 epochs)',
        )
          .choices(SCHEDULE_NAMES)
          .default(d.schedule),
      )
      .addOption(
        new Option(
          '--step-size <epochs>',
          'step schedule: epochs between decays (default: epochs/3)',
        ).argParser(parseInteger(1)),
      )
      .addOption(
        new Option('--gamma <x>', 'step and plateau schedules: the decay factor')
          .argParser(parseFraction)
          .default(d.gamma),
      )
      .option(
        '--augment',
        'random crop (2-pixel padding) and horizontal flip (no flip for MNIST digits)',
        d.augment,
      )
      .addOption(
        new Option('--clip-grad-norm <x>', "clip the gradients' global norm to x").argParser(
          parsePositiveNumber,
        ),
      )
      .addOption(
        new Option('--seed <n>', 'seeds the initial weights, the data order and augmentation')
          .argParser(parseInteger(-(2 ** 31)))
          .default(d.seed),
      ),
  )
    .option('--out <dir>', 'checkpoint directory (default: runs/<dataset>-<model>)')
    .option(
      '--resume <dir>',
      'continue the run whose checkpoint is in <dir> (settings come from it; --epochs may raise the total)',
    )
    .addOption(
      new Option('--limit-train <n>', 'testing: use only the first n training images')
        .argParser(parseInteger(1))
        .hideHelp(),
    )
    .addOption(
      new Option('--limit-test <n>', 'testing: use only the first n test images')
        .argParser(parseInteger(1))
        .hideHelp(),
    )
    .addOption(
      new Option('--stop-after <epochs>', 'testing: stop after this many epochs in this call')
        .argParser(parseInteger(1))
        .hideHelp(),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  convnet train                                   seed net on the embedded MNIST digits\n  convnet train --dataset fashion-mnist --model seed-net --epochs 5 --out runs/fmnist\n  convnet train --dataset ./photos --channels 3 --image-size 32 --augment\n  convnet train --resume runs/fmnist --epochs 10   continue a run',
    );
  return command.action(async function (this: Command) {
    const flags = this.opts<TrainFlags>();
    let out: string;
    let config: TrainConfig | undefined;
    if (flags.resume !== undefined) {
      const given = this.options
        .map((option) => option.attributeName())
        .filter((name) => this.getOptionValueSource(name) === 'cli' && !RESUME_OPTIONS.has(name));
      if (given.length > 0) {
        const names = given.map(
          (name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        );
        throw new Error(
          `${names.join(', ')} cannot be changed when resuming: a resumed run keeps the settings saved in ${flags.resume} (only --epochs, --threads and --backend may be given). Start a new run with another --out to change them.`,
        );
      }
      if (flags.out !== undefined && flags.out !== flags.resume) {
        throw new Error(
          `--out ${flags.out} and --resume ${flags.resume} differ: a resumed run saves into the directory it resumes`,
        );
      }
      out = flags.resume;
    } else {
      const dataset = resolveDatasetName(flags.dataset);
      config = {
        dataset,
        dataDir: flags.dataDir ?? null,
        imageSize: flags.imageSize,
        channels: flags.channels,
        limitTrain: flags.limitTrain ?? null,
        limitTest: flags.limitTest ?? null,
        model: isPresetName(flags.model) ? flags.model : d.model,
        epochs: flags.epochs,
        batchSize: flags.batchSize,
        optimizer:
          flags.optimizer === 'sgd' || flags.optimizer === 'adamw' ? flags.optimizer : 'adam',
        lr: flags.lr,
        momentum: flags.momentum,
        weightDecay: flags.weightDecay,
        schedule: SCHEDULE_NAMES.find((s) => s === flags.schedule) ?? 'none',
        stepSize: flags.stepSize ?? null,
        gamma: flags.gamma,
        augment: flags.augment,
        clipGradNorm: flags.clipGradNorm ?? null,
        seed: flags.seed,
      };
      const datasetLabel =
        dataset === 'mnist' || dataset === 'fashion-mnist'
          ? dataset
          : (dataset.split('/').pop() ?? 'folder');
      out = flags.out ?? `runs/${datasetLabel}-${config.model}`;
    }
    const backend = await selectBackend(flags.backend, flags.threads);
    const reporter = consoleReporter({ stream: output.stdout });
    const onInterrupt = (): void => {
      reporter.close();
      output.stderr.write(
        existsSync(join(out, 'checkpoint.json'))
          ? `\ninterrupted: the last checkpoint in ${out} is intact; continue with: convnet train --resume ${out}\n`
          : '\ninterrupted before the first checkpoint\n',
      );
      process.exit(130);
    };
    process.once('SIGINT', onInterrupt);
    try {
      reporter.message(`kernels: ${backend.description}`);
      const run = await trainRun({
        config,
        out,
        resume: flags.resume !== undefined,
        epochs:
          flags.resume !== undefined && this.getOptionValueSource('epochs') === 'cli'
            ? flags.epochs
            : undefined,
        stopAfterEpochs: flags.stopAfter ?? null,
        reporter,
      });
      const { test, epoch, finished } = run.fit;
      const pictures = await writeTrainRunReport(run);
      output.stdout.write(
        `training curves, confusion matrix and report: ${pictures.map((f) => basename(f.path)).join(', ')}\n`,
      );
      const accuracy = `test accuracy ${percent(test.accuracy)} (${count(test.confusion.correct)}/${count(test.images)})`;
      output.stdout.write(
        finished
          ? `${accuracy} after ${epoch} epoch${epoch === 1 ? '' : 's'}; model saved in ${out}\n`
          : `stopped after epoch ${epoch} of ${run.config.epochs}: ${accuracy}; model saved in ${out} (continue with: convnet train --resume ${out})\n`,
      );
    } finally {
      process.off('SIGINT', onInterrupt);
      backend.dispose();
    }
  });
}

function evalCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('eval')
      .description(
        'evaluate a trained model: accuracy, per-class accuracy and the confusion matrix',
      )
      .requiredOption(
        '--model <dir>',
        'checkpoint directory written by convnet train --out, or a model file (model.safetensors)',
      )
      .option(
        '--dataset <name>',
        'mnist, fashion-mnist or an image folder (default: the one it was trained on); its test split is used',
      )
      .option('--data-dir <dir>', 'where the Fashion-MNIST files are')
      .addOption(
        new Option('--batch-size <n>', 'images per evaluation batch')
          .argParser(parseInteger(1))
          .default(256),
      ),
  )
    .option('--json', 'print the result as JSON', false)
    .addOption(
      new Option('--limit-test <n>', 'testing: evaluate only the first n test images')
        .argParser(parseInteger(1))
        .hideHelp(),
    )
    .action(async function (this: Command) {
      const flags = this.opts<EvalFlags>();
      const backend = await selectBackend(flags.backend, flags.threads);
      try {
        const trained = await loadTrainedModel(flags.model, { resident: true });
        const result = await evaluateTrained(trained, {
          dataset: flags.dataset,
          dataDir: flags.dataDir ?? null,
          limitTest: flags.limitTest ?? null,
          batchSize: flags.batchSize,
        });
        if (flags.json) {
          output.stdout.write(
            `${JSON.stringify({ model: flags.model, dataset: result.dataset, loss: result.loss, classNames: result.classNames, ...result.confusion.toJson() }, null, 2)}\n`,
          );
          return;
        }
        const epochText = trained.epoch === null ? '' : `, epoch ${trained.epoch}`;
        output.stdout.write(
          [
            `model: ${trained.spec.preset} from ${flags.model}${epochText}`,
            `dataset: ${result.dataset}, ${count(result.images)} test images`,
            `accuracy ${percent(result.accuracy)} (${count(result.confusion.correct)}/${count(result.images)}), loss ${result.loss.toFixed(4)}`,
            '',
            result.confusion.format(result.classNames),
            '',
          ].join('\n'),
        );
      } finally {
        backend.dispose();
      }
    });
}

function predictCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('predict')
      .description(
        'classify image files (PNG or JPEG) with a trained model: the top-k classes and their probabilities',
      )
      .argument(
        '<images...>',
        "image files; each is converted to the model's channels and resized to its input size",
      )
      .requiredOption(
        '--model <dir>',
        'checkpoint directory written by convnet train --out, or a model file (model.safetensors)',
      )
      .addOption(
        new Option('--top-k <k>', 'classes to list per image')
          .argParser(parseInteger(1))
          .default(3),
      )
      .option(
        '--invert',
        'use 1 - pixel: dark drawings on a light background for a model trained on light-on-dark digits (MNIST)',
        false,
      ),
  )
    .option('--json', 'print the predictions as JSON', false)
    .action(async function (this: Command) {
      const flags = this.opts<PredictFlags>();
      const backend = await selectBackend(flags.backend, flags.threads);
      try {
        const trained = await loadTrainedModel(flags.model, { resident: true });
        const predictions = predictFiles(trained, this.args, {
          topK: flags.topK,
          invert: flags.invert,
        });
        if (flags.json) {
          output.stdout.write(`${JSON.stringify(predictions, null, 2)}\n`);
          return;
        }
        for (const { file, top } of predictions) {
          const classes = top.map((c) => `${c.className} ${percent(c.probability)}`).join(', ');
          output.stdout.write(`${file}: ${classes}\n`);
        }
      } finally {
        backend.dispose();
      }
    });
}

interface VisualizeFlags {
  model: string;
  image: string;
  out: string;
  invert: boolean;
  threads?: number;
  backend: BackendChoice;
}

function visualizeCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('visualize')
      .description(
        'draw what a trained model sees in one image: feature maps after every layer, first-layer filters, class probabilities (PNG files)',
      )
      .requiredOption(
        '--model <dir>',
        'checkpoint directory written by convnet train --out, or a model file (model.safetensors)',
      )
      .requiredOption('--image <file>', 'a PNG or JPEG image')
      .requiredOption('--out <dir>', 'where to write the PNG files (created if needed)')
      .option(
        '--invert',
        'use 1 - pixel: dark drawings on a light background for a model trained on light-on-dark digits (MNIST)',
        false,
      ),
  ).action(async function (this: Command) {
    const flags = this.opts<VisualizeFlags>();
    const backend = await selectBackend(flags.backend, flags.threads);
    try {
      const result = await visualizeCheckpoint({
        model: flags.model,
        image: flags.image,
        out: flags.out,
        invert: flags.invert,
      });
      output.stdout.write(`${formatVisualization(result)}\n`);
    } finally {
      backend.dispose();
    }
  });
}

function summaryCommand(output: CliOutput): Command {
  return new Command('summary')
    .description("print a model's layers, output shapes and parameter counts")
    .addOption(
      new Option(
        '--model <preset-or-dir>',
        `a preset (${PRESET_NAMES.join(', ')}) or a checkpoint directory`,
      ).default('seed-net'),
    )
    .addOption(
      new Option('--image-size <n>', 'presets: input height and width')
        .argParser(parseInteger(1))
        .default(28),
    )
    .addOption(
      new Option('--channels <n>', 'presets: input channels').argParser(parseInteger(1)).default(1),
    )
    .addOption(
      new Option('--classes <n>', 'presets: number of classes')
        .argParser(parseInteger(1))
        .default(10),
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
  for (const command of [
    trainCommand(output),
    evalCommand(output),
    predictCommand(output),
    visualizeCommand(output),
    summaryCommand(output),
  ]) {
    command.configureOutput({
      writeOut: (text) => output.stdout.write(text),
      writeErr: (text) => output.stderr.write(text),
    });
    command.showHelpAfterError(`(run convnet ${command.name()} --help for usage)`);
    program.addCommand(command);
  }
  return program;
}
