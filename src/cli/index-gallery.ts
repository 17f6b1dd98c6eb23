/**
 * `convnet index --model DIR [--store DB] [--table T] [--queries N] [--json]`: embeds the
 * model's training split into the gallery saved beside it (gallery.safetensors, and the HNSW
 * index gallery.usearch), then measures on the first N test images (default 1,000): exact
 * search's time per query (a batch of N on our topK kernel), HNSW's recall@10 against exact and
 * its queries/s. With --store, the vectors also go to PostgreSQL with pgvector (a folder: an
 * embedded one; a postgres:// URL: a server), whose HNSW index is measured the same way.
 */
import { Command, Option } from 'commander';
import { embedDataset } from '../apps/search/embed.js';
import { topK, type Vectors } from '../apps/search/exact-search.js';
import { neighborRecall } from '../apps/search/retrieval-metrics.js';
import { buildGallery, loadModelData, loadSearchModel } from '../apps/search/search-run.js';
import { VectorStore, galleryRows, searchEach } from '../apps/search/vector-store.js';
import { countProgress } from '../train/progress.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { count, parseInteger, withBackendOptions, type CliOutput } from './options.js';

interface IndexFlags {
  model: string;
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

/** `convnet index`. */
export function indexCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('index')
      .description(
        'embed the training split of a search model into a gallery (exact and HNSW index) beside it, optionally into PostgreSQL with pgvector',
      )
      .requiredOption(
        '--model <dir>',
        'an embedding model directory (convnet train --task embedding --out DIR)',
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
      const backend = await selectBackend(flags.backend, flags.threads);
      const log = (text: string): void => {
        if (!flags.json) output.stdout.write(`${text}\n`);
      };
      try {
        log(`kernels: ${backend.description}`);
        const m = await loadSearchModel(flags.model);
        const data = await loadModelData(m, flags);
        const bar = countProgress('embedding the gallery', data.train.length, {
          stream: output.stdout,
          interactive: !flags.json && output.stdout.isTTY === true,
        });
        const built = await buildGallery(m, data, (done) => bar.update(done)).finally(() =>
          bar.stop(),
        );
        const { vectors, labels } = built.gallery;
        const report: Record<string, unknown> = {
          gallery: vectors.count,
          dim: vectors.dim,
          embedImagesPerSecond: vectors.count / built.embedSeconds,
          hnswBuildSeconds: built.hnswSeconds,
        };
        log(
          `gallery: ${count(vectors.count)} ${vectors.dim}-d vectors of ${built.gallery.source} embedded in ${built.embedSeconds.toFixed(1)} s (${count(Math.round(vectors.count / built.embedSeconds))} images/s), HNSW built in ${built.hnswSeconds.toFixed(1)} s; saved in ${m.dir}`,
        );
        const Q = Math.min(flags.queries, data.test.length);
        const queries = rows(
          await embedDataset(m.model, data.test, { normalize: m.spec.normalize }),
          0,
          Q,
        );
        const k = Math.min(K, vectors.count);
        let start = performance.now();
        const exact = topK(queries, vectors, k);
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
        if (flags.store !== undefined) {
          const store = await VectorStore.open(flags.store, { table: flags.table });
          try {
            start = performance.now();
            const name = data.name.includes('/') ? 'folder' : data.name;
            await store.replace(galleryRows(vectors, labels, `${name}:train`), vectors.dim);
            const storeSeconds = (performance.now() - start) / 1000;
            start = performance.now();
            const found = await searchEach(store, queries, k);
            const qps = Q / ((performance.now() - start) / 1000);
            const recall = neighborRecall(found, exact.indices, k);
            Object.assign(report, {
              store: store.description,
              storeWriteSeconds: storeSeconds,
              storeRecallAt10: recall,
              storeQueriesPerSecond: qps,
            });
            log(
              `${store.description}, table ${flags.table}: ${count(vectors.count)} rows written and HNSW-indexed in ${storeSeconds.toFixed(1)} s; recall@${k} ${recall.toFixed(4)} against exact, ${count(Math.round(qps))} queries/s (one at a time)`,
            );
          } finally {
            await store.close();
          }
        }
        if (flags.json) output.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } finally {
        backend.dispose();
      }
    });
}
