/**
 * `convnet predict --model DIR IMAGE...`: classifies image files with a trained model and
 * prints the top-k classes of each with their probabilities (or JSON).
 */
import { Command, Option } from 'commander';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { loadTrainedModel, predictFiles } from '../train/trained-model.js';
import {
  INVERT_HELP,
  parseInteger,
  percent,
  TRAINED_MODEL_HELP,
  withBackendOptions,
  type CliOutput,
} from './options.js';

interface PredictFlags {
  model: string;
  topK: number;
  invert: boolean;
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
        "image files; each is converted to the model's channels and resized to its input size",
      )
      .requiredOption('--model <dir>', TRAINED_MODEL_HELP)
      .addOption(
        new Option('--top-k <k>', 'classes to list per image')
          .argParser(parseInteger(1))
          .default(3),
      )
      .option('--invert', INVERT_HELP, false),
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
