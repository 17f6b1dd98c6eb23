/**
 * `convnet eval --model DIR [--dataset ...]`: loads a trained model, evaluates it on a test
 * split and prints accuracy, loss and the confusion matrix (or JSON); a detector (task
 * 'detection') prints its AP instead (detect.ts).
 *
 * An option for tests, hidden from --help (documented in the README): --limit-test N
 * evaluates only the first N test images.
 */
import { Command, Option } from 'commander';
import { asSegmenter } from '../apps/segmentation/segmenter-model.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { resolveDatasetName } from '../train/recipe.js';
import { evaluateTrained, loadTrainedModel } from '../train/trained-model.js';
import { evalDetection } from './detect.js';
import { evalRetrievalCommand } from './eval-retrieval.js';
import { runSegmentationEval } from './eval-segmentation.js';
import {
  count,
  noteDatasetName,
  parseInteger,
  percent,
  TRAINED_MODEL_HELP,
  withBackendOptions,
  type CliOutput,
} from './options.js';

interface EvalFlags {
  model: string;
  dataset?: string;
  dataDir?: string;
  batchSize: number;
  threads?: number;
  backend: BackendChoice;
  limitTest?: number;
  json: boolean;
  task: string;
}

/** `convnet eval`. */
export function evalCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('eval')
      .description(
        'evaluate a trained model: accuracy, per-class accuracy and the confusion matrix',
      )
      .requiredOption('--model <dir>', TRAINED_MODEL_HELP)
      .option(
        '--dataset <name>',
        'mnist, fashion-mnist or an image folder (default: the one it was trained on; a model file that does not say needs it); its test split is used. For a segmenter: digit-masks or a folder of image/mask pairs',
      )
      .option('--data-dir <dir>', 'where the Fashion-MNIST files are (fashion-mnist only)')
      .addOption(
        new Option('--batch-size <n>', 'images per evaluation batch')
          .argParser(parseInteger(1))
          .default(256),
      ),
  )
    .addOption(
      new Option(
        '--task <name>',
        'classification, or retrieval: an embedding model (convnet train --task embedding) scored by P@1, R-precision and MAP@R, queries = test split, gallery = training split',
      )
        .choices(['classification', 'retrieval'])
        .default('classification'),
    )
    .option(
      '--classifier <dir>',
      'retrieval: a seed-net classifier (convnet train) whose 128-d hidden layer is scored as a baseline',
    )
    .option('--json', 'print the result as JSON', false)
    .addOption(
      new Option('--limit-test <n>', 'testing: evaluate only the first n test images')
        .argParser(parseInteger(1))
        .hideHelp(),
    )
    .addOption(
      new Option('--limit-train <n>', 'testing (retrieval): use only the first n training images')
        .argParser(parseInteger(1))
        .hideHelp(),
    )
    .action(async function (this: Command) {
      const flags = this.opts<EvalFlags>();
      if (flags.task === 'retrieval') return evalRetrievalCommand(this, output);
      const backend = await selectBackend(flags.backend, flags.threads);
      try {
        const trained = await loadTrainedModel(flags.model, { resident: true });
        if (trained.spec.task === 'segmentation') {
          await runSegmentationEval(asSegmenter(trained), flags, output);
          return;
        }
        if (trained.spec.task === 'detection') {
          evalDetection(trained, flags, output);
          return;
        }
        if (flags.dataset !== undefined) {
          noteDatasetName(flags.dataset, output);
          const trainedOn = trained.spec.dataset;
          const given = resolveDatasetName(flags.dataset);
          if (trainedOn !== null && given !== trainedOn) {
            output.stderr.write(
              `convnet: warning: evaluating on ${given}, but the model in ${flags.model} was trained on ${trainedOn}\n`,
            );
          }
        }
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
            `model: ${trained.spec.name} from ${flags.model}${epochText}`,
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
