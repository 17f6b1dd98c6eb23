/**
 * `convnet index --model DIR [--dataset NAME [--split train|test|all] | --images FOLDER
 * [--resize]] [--out INDEX] [--store DB] [--json]`: embeds a dataset's split (default: the
 * model's own dataset, its training split) or a folder of images (recursively, PNG and JPEG;
 * labelled by subfolder when it is class-per-subfolder) into a search index INDEX (a folder,
 * default the model's directory; src/apps/search/search-index.ts): the vectors, the items' paths
 * or dataset indices, labels, the model's path and digest, and the HNSW graph. For a dataset's
 * training split it then measures search on the first N test images (default 1,000): exact
 * search's time per query (a batch of N on our topK kernel), HNSW's recall@10 against exact
 * and its queries/s. With --store, the vectors also go to PostgreSQL with pgvector (a folder:
 * an embedded one; a postgres:// URL: a server), whose HNSW index is measured the same way.
 */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import {
  DATASET_SPLITS,
  buildDatasetIndex,
  buildImageFolderIndex,
  type BuiltIndex,
  type DatasetSplit,
} from '../apps/search/build-index.js';
import { embedDataset } from '../apps/search/embed.js';
import { topK, type Vectors } from '../apps/search/exact-search.js';
import { listImageFolder } from '../apps/search/image-files.js';
import { neighborRecall } from '../apps/search/retrieval-metrics.js';
import { itemName } from '../apps/search/search-index.js';
import { loadModelData, loadSearchModel } from '../apps/search/search-run.js';
import { VectorStore, searchEach, type StoredVector } from '../apps/search/vector-store.js';
import { countProgress } from '../train/progress.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import type { TrainingData } from '../train/recipe.js';
import { count, parseInteger, withBackendOptions, type CliOutput } from './options.js';

interface IndexFlags {
  model: string;
  dataset?: string;
  split: DatasetSplit;
  images?: string;
  resize: boolean;
  out?: string;
  batchSize?: number;
  store?: string;
  table: string;
  dataDir?: string;
  queries: number;
  threads?: number;
  backend: BackendChoice;
  limitTrain?: number;
  limitTest?: number;
  json: boolean;
}

const K = 10;

function rows(v: Vectors, from: number, n: number): Vectors {
  return { data: v.data.subarray(from * v.dim, (from + n) * v.dim), count: n, dim: v.dim };
}

/** Measures exact search and HNSW on the first queries of the test split (see the top). */
async function measureSearch(
  built: BuiltIndex,
  queries: Vectors,
  report: Record<string, unknown>,
  log: (text: string) => void,
): Promise<Int32Array> {
  const Q = queries.count;
  const k = Math.min(K, built.vectors.count);
  let start = performance.now();
  const exact = topK(queries, built.vectors, k);
  const exactMs = (performance.now() - start) / Q;
  start = performance.now();
  const approximate = built.hnsw.search(queries, k);
  const hnswSeconds = (performance.now() - start) / 1000;
  const hnswRecall = neighborRecall(approximate.indices, exact.indices, k);
  Object.assign(report, {
    queries: Q,
    exactMsPerQuery: exactMs,
    hnswRecallAt10: hnswRecall,
    hnswQueriesPerSecond: Q / hnswSeconds,
  });
  log(
    `${count(Q)} test queries: exact top-${k} ${exactMs.toFixed(3)} ms/query (one batch); HNSW recall@${k} ${hnswRecall.toFixed(4)} against exact, ${count(Math.round(Q / hnswSeconds))} queries/s`,
  );
  return exact.indices;
}

/** `convnet index`. */
export function indexCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('index')
      .description(
        'embed a dataset or a folder of images with a search model into a search index (vectors, labels, paths, HNSW), optionally into PostgreSQL with pgvector',
      )
      .requiredOption(
        '--model <dir>',
        'an embedding model directory (convnet train --task embedding --out DIR)',
      )
      .option('--dataset <name>', "mnist, fashion-mnist or an image folder (default: the model's)")
      .addOption(
        new Option('--split <split>', "the dataset's images to index")
          .choices(DATASET_SPLITS)
          .default('train'),
      )
      .option('--images <folder>', 'index a folder of PNG/JPEG images instead (recursively)')
      .option(
        '--resize',
        "resize and convert --images to the model's input instead of refusing them",
        false,
      )
      .option('--out <index>', "the index folder (default: the model's directory)")
      .addOption(
        new Option('--batch-size <n>', 'images per embedding batch').argParser(parseInteger(1)),
      )
      .option(
        '--store <db>',
        'also write the vectors to PostgreSQL: a folder (embedded PGlite) or a postgres:// URL',
      )
      .option('--table <name>', 'the store table', 'convnet_embeddings')
      .option('--data-dir <dir>', 'where the Fashion-MNIST files are (fashion-mnist only)')
      .addOption(
        new Option('--queries <n>', 'test images used to measure search')
          .argParser(parseInteger(1))
          .default(1000),
      ),
  )
    .option('--json', 'print the measurements as JSON', false)
    .addOption(new Option('--limit-train <n>').argParser(parseInteger(1)).hideHelp())
    .addOption(new Option('--limit-test <n>').argParser(parseInteger(1)).hideHelp())
    .action(async function (this: Command) {
      const flags = this.opts<IndexFlags>();
      if (flags.images !== undefined && flags.dataset !== undefined)
        throw new Error('--images and --dataset exclude each other: index one or the other');
      if (flags.images === undefined && flags.resize)
        throw new Error('--resize applies to --images only');
      const backend = await selectBackend(flags.backend, flags.threads);
      const log = (text: string): void => {
        if (!flags.json) output.stdout.write(`${text}\n`);
      };
      // Opened first, so that a server without pgvector (or unreachable) fails before the work.
      let store: VectorStore | null = null;
      try {
        log(`kernels: ${backend.description}`);
        const m = await loadSearchModel(flags.model);
        if (flags.store !== undefined)
          store = await VectorStore.open(flags.store, { table: flags.table });
        const out = resolve(flags.out ?? m.dir);
        const listing = flags.images === undefined ? null : listImageFolder(resolve(flags.images));
        const data: TrainingData | null =
          listing === null ? await loadModelData(m, { ...flags, dataset: flags.dataset }) : null;
        const what =
          listing === null ? `${(data as TrainingData).name} (${flags.split})` : listing.root;
        const total =
          listing?.files.length ??
          (flags.split === 'all'
            ? (data as TrainingData).train.length + (data as TrainingData).test.length
            : (data as TrainingData)[flags.split].length);
        const bar = countProgress('embedding', total, {
          stream: output.stdout,
          interactive: !flags.json && output.stdout.isTTY === true,
        });
        const options = {
          out,
          batchSize: flags.batchSize,
          onProgress: (done: number) => bar.update(done),
        };
        const built = await (
          listing === null
            ? buildDatasetIndex(m, data as TrainingData, flags.split, options)
            : buildImageFolderIndex(m, listing, flags.resize, options)
        ).finally(() => bar.stop());
        const { vectors, labels, manifest } = built;
        const report: Record<string, unknown> = {
          index: out,
          items: vectors.count,
          dim: vectors.dim,
          labelled: manifest.classNames !== null,
          embedSeconds: built.embedSeconds,
          embedImagesPerSecond: vectors.count / built.embedSeconds,
          hnswBuildSeconds: built.hnswSeconds,
        };
        log(
          `index ${out}: ${count(vectors.count)} ${vectors.dim}-d vectors of ${what}${manifest.classNames === null ? ' (no labels)' : `, ${manifest.classNames.length} classes`}, embedded in ${built.embedSeconds.toFixed(1)} s (${count(Math.round(vectors.count / built.embedSeconds))} images/s), HNSW built in ${built.hnswSeconds.toFixed(1)} s`,
        );
        let queries: Vectors | null = null;
        let exact: Int32Array | null = null;
        if (data !== null && flags.split === 'train' && data.test.length > 0) {
          const Q = Math.min(flags.queries, data.test.length);
          queries = rows(
            await embedDataset(m.model, data.test, { normalize: m.spec.normalize }),
            0,
            Q,
          );
          exact = await measureSearch(built, queries, report, log);
        }
        if (store !== null) {
          try {
            let start = performance.now();
            const rowsOf = (i: number): StoredVector => ({
              id: i,
              path: itemName(built, i),
              label: labels[i] < 0 ? null : labels[i],
              embedding: vectors.data.subarray(i * vectors.dim, (i + 1) * vectors.dim),
            });
            await store.replace(
              Array.from({ length: vectors.count }, (_, i) => rowsOf(i)),
              vectors.dim,
            );
            const storeSeconds = (performance.now() - start) / 1000;
            Object.assign(report, { store: store.description, storeWriteSeconds: storeSeconds });
            let measured = '';
            if (queries !== null && exact !== null) {
              const k = Math.min(K, vectors.count);
              start = performance.now();
              const found = await searchEach(store, queries, k);
              const qps = queries.count / ((performance.now() - start) / 1000);
              const recall = neighborRecall(found, exact, k);
              Object.assign(report, { storeRecallAt10: recall, storeQueriesPerSecond: qps });
              measured = `; recall@${k} ${recall.toFixed(4)} against exact, ${count(Math.round(qps))} queries/s (one at a time)`;
            }
            log(
              `${store.description}, table ${flags.table}: ${count(vectors.count)} rows written and HNSW-indexed in ${storeSeconds.toFixed(1)} s${measured}`,
            );
          } finally {
            await store.close();
            store = null;
          }
        }
        if (flags.json) output.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } finally {
        await store?.close();
        backend.dispose();
      }
    });
}
