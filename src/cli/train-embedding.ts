/**
 * `convnet train --task embedding [--loss arcface|triplet] [--dim D] [--margin M] [--scale S]`:
 * the similar-image search half of train.ts, which parses the options and calls this; trains
 * the recipe's embedding preset (src/apps/search/embedding-recipe.ts: its model, epochs, batch
 * size and learning rate wherever those options are not given) and saves DIR/model.safetensors
 * (task 'embedding') and DIR/embedding-run.json.
 */
import type { Command } from 'commander';
import { consoleReporter } from '../train/progress.js';
import { isBuiltinDataset, resolveDatasetName } from '../train/recipe.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { trainEmbeddingRun } from '../apps/search/search-run.js';
import { isEmbeddingPreset } from '../apps/search/embedding-source.js';
import { EMBEDDING_RECIPE } from '../apps/search/embedding-recipe.js';
import { LOSS_NAMES, defaultLoss, type LossName } from '../apps/search/train-embedding.js';
import { isPresetName } from '../nn/preset-table.js';
import { noteDatasetName, percent, refuseGiven, type CliOutput } from './options.js';

export const TASK_NAMES = ['classification', 'embedding'] as const;
export { LOSS_NAMES };

/** Options only --task embedding takes (train.ts and train-segmentation.ts refuse them). */
export const EMBEDDING_ONLY = ['dim', 'margin', 'scale', 'flip'];

/** The train options that only classification uses: refused with --task embedding. */
const CLASSIFICATION_ONLY = [
  'resume',
  'optimizer',
  'momentum',
  'schedule',
  'stepSize',
  'gamma',
  'clipGradNorm',
  'stopAfter',
  'valSplit',
];

export interface EmbeddingTrainFlags {
  dataset: string;
  dataDir?: string;
  imageSize: number;
  channels: number;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  seed: number;
  threads?: number;
  backend: BackendChoice;
  out?: string;
  limitTrain?: number;
  limitTest?: number;
  loss: string;
  augment: boolean;
  flip?: boolean;
  model: string;
  dim?: number;
  margin?: number;
  scale?: number;
}

/**
 * Whether an embedding run mirrors its training images left-right: as --flip or --no-flip says
 * where given, else as the recipe does on every dataset but the MNIST digits (a mirrored 2 is no
 * digit; --augment's flips skip them too).
 */
export function embeddingFlip(given: boolean | undefined, dataset: string): boolean {
  return given ?? (EMBEDDING_RECIPE.horizontalFlip && dataset !== 'mnist');
}

/** Runs `convnet train --task embedding` for the parsed command. */
export async function trainEmbeddingCommand(command: Command, output: CliOutput): Promise<void> {
  const flags = command.opts<EmbeddingTrainFlags>();
  refuseGiven(
    command,
    CLASSIFICATION_ONLY,
    '--task classification only; --task embedding trains the embedding net with Adam under a one-cycle schedule',
  );
  noteDatasetName(flags.dataset, output);
  const dataset = resolveDatasetName(flags.dataset);
  if (isBuiltinDataset(dataset)) {
    const why = `image folders only; ${dataset} has its own image size and channels`;
    refuseGiven(command, ['imageSize', 'channels'], why);
  }
  // Where an option is not given, the recipe's value (embedding-recipe.ts), not classification's.
  const fromCli = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
  const modelGiven = fromCli('model');
  if (modelGiven && !isEmbeddingPreset(flags.model) && isPresetName(flags.model)) {
    throw new Error(
      `--model ${flags.model} is a classifier preset; --task embedding trains ${EMBEDDING_RECIPE.model} (the default), embedding-net or a graph file whose output is an L2Normalize node (docs/search.md)`,
    );
  }
  const name = LOSS_NAMES.find((l) => l === flags.loss) ?? 'arcface';
  const loss = defaultLoss(name satisfies LossName);
  if (flags.margin !== undefined) loss.margin = flags.margin;
  if (flags.scale !== undefined) {
    if (name !== 'arcface') throw new Error('--scale applies to --loss arcface only');
    loss.scale = flags.scale;
  }
  const label = dataset.split('/').pop() ?? 'folder';
  const out = flags.out ?? `runs/${label}-embedding-${name}`;
  const backend = await selectBackend(flags.backend, flags.threads);
  const reporter = consoleReporter({ stream: output.stdout });
  try {
    reporter.message(`kernels: ${backend.description}`);
    const run = await trainEmbeddingRun(
      {
        dataset,
        dataDir: flags.dataDir ?? null,
        imageSize: flags.imageSize,
        channels: flags.channels,
        limitTrain: flags.limitTrain ?? null,
        limitTest: flags.limitTest ?? null,
        model: modelGiven ? flags.model : EMBEDDING_RECIPE.model,
        dim: flags.dim ?? null,
        loss,
        augment: flags.augment,
        flip: embeddingFlip(fromCli('flip') ? flags.flip === true : undefined, dataset),
        epochs: fromCli('epochs') ? flags.epochs : EMBEDDING_RECIPE.epochs,
        batchSize: fromCli('batchSize') ? flags.batchSize : EMBEDDING_RECIPE.batchSize,
        lr: fromCli('lr') ? flags.lr : EMBEDDING_RECIPE.lr,
        weightDecay: flags.weightDecay,
        seed: flags.seed,
      },
      out,
      reporter,
    );
    const last = run.history[run.history.length - 1];
    output.stdout.write(
      `test P@1 ${percent(last.test.precisionAt1)}, MAP@R ${percent(last.test.mapAtR)} (test images against each other); model saved in ${run.modelFile}\nnext: convnet eval --task retrieval --model ${out}; convnet index --model ${out}\n`,
    );
  } finally {
    backend.dispose();
  }
}
