/**
 * `convnet train [--dataset mnist|fashion-mnist|<folder>] [--model PRESET] [--epochs N] ...
 * [--out DIR] [--resume DIR]`: parses the options into a TrainConfig and calls trainRun, which
 * saves a checkpoint after every epoch; Ctrl-C leaves the last checkpoint intact.
 *
 * Options for tests, hidden from --help (documented in the README): --limit-train N and
 * --limit-test N keep only the first N images of each split; --stop-after N trains at most N
 * epochs in this call, leaving a resumable checkpoint, as if the run had been interrupted.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command, Option } from 'commander';
import { PRESET_NAMES, isPresetName, presetEntry } from '../nn/preset-table.js';
import { consoleReporter } from '../train/progress.js';
import {
  DEFAULT_TRAIN_CONFIG,
  MAX_IMAGE_SIZE,
  OPTIMIZER_NAMES,
  isBuiltinDataset,
  SCHEDULE_NAMES,
  resolveDatasetName,
  type TrainConfig,
} from '../train/recipe.js';
import { selectBackend, trainRun, type BackendChoice } from '../train/run.js';
import { modelName } from '../train/model-source.js';
import { writeTrainRunReport } from '../viz/cli-visualize.js';
import { EMBEDDING_PRESETS, isEmbeddingPreset } from '../apps/search/embedding-source.js';
import { EMBEDDING_RECIPE } from '../apps/search/embedding-recipe.js';
import {
  EMBEDDING_ONLY,
  LOSS_NAMES,
  TASK_NAMES,
  trainEmbeddingCommand,
} from './train-embedding.js';
import { SEGMENTATION_LOSSES } from '../apps/segmentation/dice-loss.js';
import {
  checkNotSegmentationFlags,
  parseTrainModel,
  SEGMENTATION_TRAIN_DEFAULTS,
  runSegmentationTraining,
  withSegmentationTrainOptions,
} from './train-segmentation.js';
import { DETECTION_MODEL, trainDetectionTask } from './detect.js';
import {
  count,
  parseChannels,
  parseFraction,
  noteDatasetName,
  optionFlag,
  parseInteger,
  parseIntegerIn,
  parseOpenFraction,
  parseNonNegativeNumber,
  parsePositiveNumber,
  percent,
  refuseGiven,
  withBackendOptions,
  type CliOutput,
} from './options.js';

interface TrainFlags {
  dataset: string;
  dataDir?: string;
  imageSize: number;
  channels: number;
  valSplit: number;
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
  task: string;
  loss?: string;
}

/** Train options that may be given with --resume (the rest come from the checkpoint). */
const RESUME_OPTIONS = new Set([
  'resume',
  'out',
  'epochs',
  'threads',
  'backend',
  'stopAfter',
  'task',
]);

/** `convnet train`. */
export function trainCommand(output: CliOutput): Command {
  const d = DEFAULT_TRAIN_CONFIG;
  const command = withBackendOptions(
    new Command('train')
      .description('train a model on a dataset, saving a checkpoint after every epoch')
      .addOption(
        new Option(
          '--dataset <name>',
          'mnist (the embedded 8k/2k digits), fashion-mnist, or an image folder <folder>/<class>/*.png|jpg; with --task segmentation: digit-masks (the default) or <folder> with train/ and test/ image/mask pairs',
        ).default(d.dataset),
      )
      .option(
        '--data-dir <dir>',
        'where the Fashion-MNIST files are (default: /usr/share/datasets/fashion-mnist, else a verified download into ~/.cache)',
      )
      .addOption(
        new Option(
          '--image-size <n>',
          `image folders: resize images to n x n (n <= ${MAX_IMAGE_SIZE})`,
        )
          .argParser(parseIntegerIn(1, MAX_IMAGE_SIZE, 'the largest image size'))
          .default(d.imageSize),
      )
      .addOption(
        new Option(
          '--val-split <x>',
          'image folders: the fraction of every class held out to test on',
        )
          .argParser(parseOpenFraction)
          .default(d.valSplit),
      )
      .addOption(
        new Option('--channels <n>', 'image folders: 1 (grayscale) or 3 (RGB)')
          .argParser(parseChannels)
          .default(d.channels),
      )
      .addOption(
        new Option(
          '--model <preset-or-file>',
          `the network: a graph file (my-net.json, see docs/graphs.md) or a preset: ${PRESET_NAMES.map((p) => `${p}: ${presetEntry(p).description}`).join('; ')}; unet-lite (--task segmentation); ${EMBEDDING_PRESETS.join(', ')} (--task embedding; the first is the default there)`,
        )
          .argParser((value: string) =>
            value === DETECTION_MODEL || isEmbeddingPreset(value) ? value : parseTrainModel(value),
          )
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
        'random crop (2-pixel padding) and horizontal flip (no flip for MNIST digits); classification and embedding',
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
    .addOption(
      new Option(
        '--task <name>',
        'classification; embedding: a network of unit vectors for similar-image search (src/apps/search); detection: boxes and names the digits in a scene (--dataset digit-scenes --model digit-detector, src/apps/detection); segmentation: a class for every pixel (src/apps/segmentation)',
      )
        .choices([...TASK_NAMES, 'detection', 'segmentation'])
        .default('classification'),
    )
    .addOption(
      new Option(
        '--loss <name>',
        `embedding: arcface (learnable class proxies, the default) or triplet (batch hard); segmentation: ${SEGMENTATION_LOSSES.join(', ')} (default ${SEGMENTATION_TRAIN_DEFAULTS.loss})`,
      ).choices([...LOSS_NAMES, ...SEGMENTATION_LOSSES]),
    )
    .addOption(
      new Option(
        '--dim <n>',
        `embedding: the size of the embedding vectors (default ${EMBEDDING_RECIPE.dim}; a graph file's own)`,
      ).argParser(parseIntegerIn(1, 4096, 'the largest embedding size')),
    )
    .addOption(
      new Option(
        '--margin <x>',
        'embedding: the angular margin in radians (arcface, default 0.2), or a hinge on the distance gap (triplet; default: the soft margin, softplus of the gap)',
      ).argParser(parseNonNegativeNumber),
    )
    .addOption(
      new Option('--scale <x>', 'embedding: arcface scale of the cosines (default 16)').argParser(
        parsePositiveNumber,
      ),
    )
    .option(
      '--flip',
      'embedding: horizontal flips alone (the recipe does, except on the MNIST digits; --no-flip: none)',
    )
    .option('--no-flip', 'embedding: no horizontal flips')
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
  withSegmentationTrainOptions(command);
  return command.action(async function (this: Command) {
    const flags = this.opts<TrainFlags>();
    if (flags.task === 'detection') {
      await trainDetectionTask(flags, output);
      return;
    }
    if (flags.model === DETECTION_MODEL) {
      throw new Error(`--model ${DETECTION_MODEL} is a detector: train it with --task detection`);
    }
    if (flags.task === 'segmentation') return runSegmentationTraining(this, output);
    checkNotSegmentationFlags(this, flags.task);
    if (flags.task === 'embedding') {
      if (flags.loss !== undefined && !(LOSS_NAMES as readonly string[]).includes(flags.loss))
        throw new Error(`--loss ${flags.loss} applies to --task segmentation only`);
      return trainEmbeddingCommand(this, output);
    }
    if (this.getOptionValueSource('loss') === 'cli')
      throw new Error('--loss applies to --task embedding or --task segmentation only');
    refuseGiven(this, EMBEDDING_ONLY, '--task embedding only');
    let out: string;
    let config: TrainConfig | undefined;
    if (flags.resume !== undefined) {
      const given = this.options
        .map((option) => option.attributeName())
        .filter((name) => this.getOptionValueSource(name) === 'cli' && !RESUME_OPTIONS.has(name));
      if (given.length > 0) {
        const names = given.map(optionFlag);
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
      noteDatasetName(flags.dataset, output);
      const dataset = resolveDatasetName(flags.dataset);
      if (isBuiltinDataset(dataset)) {
        const why = `image folders only; ${dataset} has its own image size, channels and test split`;
        refuseGiven(this, ['imageSize', 'channels', 'valSplit'], why);
      }
      config = {
        dataset,
        dataDir: flags.dataDir ?? null,
        imageSize: flags.imageSize,
        channels: flags.channels,
        valSplit: flags.valSplit,
        limitTrain: flags.limitTrain ?? null,
        limitTest: flags.limitTest ?? null,
        model: flags.model,
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
      const datasetLabel = isBuiltinDataset(dataset)
        ? dataset
        : (dataset.split('/').pop() ?? 'folder');
      out = flags.out ?? `runs/${datasetLabel}-${modelName(config.model)}`;
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
