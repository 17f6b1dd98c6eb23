/**
 * `convnet eval --task retrieval --model DIR [--classifier DIR]`: queries = the test split,
 * gallery = the training split, relevance = same label; prints P@1, R-precision, MAP@R and
 * recall@10 of the embedding beside two baselines computed in the same run: raw pixels by L2
 * distance, and (with --classifier, a `convnet train` classifier of the seed net) its 128-d
 * hidden layer by cosine. eval.ts parses the options and calls this.
 */
import type { Command } from 'commander';
import type { Dataset, InMemoryDataset } from '../data/dataset.js';
import type { NormalizeOptions } from '../data/loader.js';
import type { Layer } from '../nn/module.js';
import { countProgress } from '../train/progress.js';
import { embedDataset } from '../apps/search/embed.js';
import { hiddenLayerOf } from '../apps/search/embedding-net.js';
import { normalizeRows, withL2Column, type Vectors } from '../apps/search/exact-search.js';
import { evaluateRetrieval } from '../apps/search/retrieval-eval.js';
import type { RetrievalScores } from '../apps/search/retrieval-metrics.js';
import { loadModelData, loadSearchModel } from '../apps/search/search-run.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { loadTrainedModel, requireClassifier } from '../train/trained-model.js';
import { count, type CliOutput } from './options.js';

interface RetrievalFlags {
  model: string;
  classifier?: string;
  dataset?: string;
  threads?: number;
  backend: BackendChoice;
  limitTest?: number;
  limitTrain?: number;
  dataDir?: string;
  json: boolean;
}

interface Row {
  embedding: string;
  scores: RetrievalScores;
  seconds: number;
}

function pixels(dataset: InMemoryDataset): Vectors {
  const [N, C, H, W] = dataset.images.shape;
  return { data: dataset.images.data as Float32Array, count: N, dim: C * H * W };
}

/** Runs `convnet eval --task retrieval` for the parsed command. */
export async function evalRetrievalCommand(command: Command, output: CliOutput): Promise<void> {
  const flags = command.opts<RetrievalFlags>();
  const backend = await selectBackend(flags.backend, flags.threads);
  try {
    const m = await loadSearchModel(flags.model);
    if (flags.dataset !== undefined)
      throw new Error(
        `--dataset does not apply to --task retrieval: the queries and the gallery come from the dataset the model was trained on (${m.spec.dataset ?? 'not recorded'})`,
      );
    const data = await loadModelData(m, flags);
    const { train, test } = data;
    const rows: Row[] = [];
    const score = (embedding: string, queries: Vectors, gallery: Vectors, start: number): void => {
      const scores = evaluateRetrieval(queries, test.labels, gallery, train.labels, {
        ks: [1, 10],
      });
      rows.push({ embedding, scores, seconds: (performance.now() - start) / 1000 });
    };
    const embed = async (
      model: Layer,
      dataset: Dataset,
      normalize: NormalizeOptions,
      label: string,
    ): Promise<Vectors> => {
      const bar = countProgress(label, dataset.length, {
        stream: output.stdout,
        interactive: !flags.json && output.stdout.isTTY === true,
      });
      try {
        return await embedDataset(model, dataset, { normalize, onProgress: (d) => bar.update(d) });
      } finally {
        bar.stop();
      }
    };
    let start = performance.now();
    const normalize = m.spec.normalize;
    score(
      `ours: ${m.spec.name}, ${m.dim}-d, cosine`,
      await embed(m.model, test, normalize, 'embedding the queries'),
      await embed(m.model, train, normalize, 'embedding the gallery'),
      start,
    );
    start = performance.now();
    score(
      'raw pixels, L2',
      withL2Column(pixels(test), 'query'),
      withL2Column(pixels(train), 'gallery'),
      start,
    );
    if (flags.classifier !== undefined) {
      start = performance.now();
      const trained = await loadTrainedModel(flags.classifier, { resident: true });
      requireClassifier(trained, 'eval --task retrieval --classifier');
      const hidden = hiddenLayerOf(trained.model);
      const cn = trained.spec.normalize;
      score(
        `classifier hidden layer (${trained.spec.name}), cosine`,
        normalizeRows(await embed(hidden, test, cn, 'classifier: the queries')),
        normalizeRows(await embed(hidden, train, cn, 'classifier: the gallery')),
        start,
      );
    }
    if (flags.json) {
      output.stdout.write(
        `${JSON.stringify({ model: flags.model, dataset: data.name, queries: test.length, gallery: train.length, results: rows }, null, 2)}\n`,
      );
      return;
    }
    const f = (x: number): string => x.toFixed(3);
    const lines = [
      `dataset: ${data.name}, queries = ${count(test.length)} test images, gallery = ${count(train.length)} training images`,
      '',
      '| embedding | P@1 | R-precision | MAP@R | recall@10 | seconds |',
      '|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.embedding} | ${f(r.scores.precisionAt1)} | ${f(r.scores.rPrecision)} | ${f(r.scores.mapAtR)} | ${f(r.scores.recallAt[10])} | ${r.seconds.toFixed(1)} |`,
      ),
    ];
    if (flags.classifier === undefined)
      lines.push(
        '',
        '(add --classifier DIR, a seed-net classifier from convnet train, for its hidden-layer baseline)',
      );
    output.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    backend.dispose();
  }
}
