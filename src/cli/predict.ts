/**
 * `convnet predict --model DIR IMAGE...`: classifies image files with a trained model and
 * prints the top-k classes of each with their probabilities (or JSON). Every file gets a line:
 * its classes, or (on stderr) why it could not be read; the command then exits with status 1
 * if any file failed. How images are prepared (MNIST-style digits, automatic inversion,
 * resizing) is described in src/train/predict.ts.
 */
import { Command, Option } from 'commander';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { isPredictionFailure, predictFiles, type InputPreparation } from '../train/predict.js';
import { loadTrainedModel, requireClassifier } from '../train/trained-model.js';
import {
  AUTO_INVERT_HELP,
  RESIZE_CHOICES,
  RESIZE_HELP,
  parseInteger,
  percent,
  TRAINED_MODEL_HELP,
  withBackendOptions,
  type CliOutput,
} from './options.js';

interface PredictFlags {
  model: string;
  topK: number;
  /** Undefined: automatic. */
  invert?: boolean;
  resize?: InputPreparation;
  threads?: number;
  backend: BackendChoice;
  json: boolean;
}

/** `convnet predict`. */
export function predictCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('predict')
      .description(
        'classify image files (PNG or JPEG) with a trained model: the top-k classes and their probabilities',
      )
      .argument(
        '<images...>',
        "image files; each is converted to the model's channels and brought to its input size (see --resize)",
      )
      .requiredOption('--model <dir>', TRAINED_MODEL_HELP)
      .addOption(
        new Option('--top-k <k>', 'classes to list per image')
          .argParser(parseInteger(1))
          .default(3),
      )
      .option('--invert', AUTO_INVERT_HELP)
      .option('--no-invert', 'never invert')
      .addOption(new Option('--resize <how>', RESIZE_HELP).choices(RESIZE_CHOICES)),
  )
    .option('--json', 'print the predictions as JSON (a failed file has an "error")', false)
    .action(async function (this: Command) {
      const flags = this.opts<PredictFlags>();
      const backend = await selectBackend(flags.backend, flags.threads);
      let failed = 0;
      try {
        const trained = await loadTrainedModel(flags.model, { resident: true });
        requireClassifier(trained, 'predict');
        const results = predictFiles(trained, this.args, {
          topK: flags.topK,
          invert: flags.invert ?? 'auto',
          preparation: flags.resize,
        });
        failed = results.filter(isPredictionFailure).length;
        if (flags.json) {
          output.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
        } else {
          for (const result of results) {
            if (isPredictionFailure(result)) {
              output.stderr.write(`convnet: error: ${result.error}\n`);
              continue;
            }
            const classes = result.top
              .map((c) => `${c.className} ${percent(c.probability)}`)
              .join(', ');
            const notes = result.notes.length === 0 ? '' : ` (${result.notes.join('; ')})`;
            output.stdout.write(`${result.file}: ${classes}${notes}\n`);
          }
        }
      } finally {
        backend.dispose();
      }
      if (failed > 0) {
        throw new Error(
          `predict: ${failed} of ${this.args.length} image files could not be classified (see above)`,
        );
      }
    });
}
