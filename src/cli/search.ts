/**
 * `convnet search IMAGE [--index INDEX] [--model DIR] [--k 10] [--hnsw | --store DB]
 * [--out grid.png] [--label CLASS] [--json]`: embeds an image file with the model an index was
 * made with and lists its k nearest items (rank, path or dataset item, label, cosine distance):
 * by exact search over the index's vectors (default), its HNSW graph (--hnsw), or a pgvector
 * store that `convnet index --store` filled. INDEX defaults to the model's directory; the model
 * defaults to the one the index names, and a --model other than that one is refused. --out
 * writes the picture of the query beside its results; --label names the query's class, which
 * frames each result green or red.
 */
import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import {
  prepareQuery,
  resultTiles,
  searchIndex,
  type SearchHit,
} from '../apps/search/index-search.js';
import { searchPicture, imageTile } from '../apps/search/results-picture.js';
import {
  MANIFEST_FILE,
  checkIndexModel,
  isSearchIndex,
  modelIdentity,
  readManifest,
  readSearchIndex,
  type SearchIndex,
} from '../apps/search/search-index.js';
import { loadModelData, loadSearchModel, type SearchModel } from '../apps/search/search-run.js';
import { VectorStore } from '../apps/search/vector-store.js';
import { modelInput } from '../io/model-spec.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { parseInteger, withBackendOptions, type CliOutput } from './options.js';

interface SearchFlags {
  index?: string;
  model?: string;
  k: number;
  hnsw: boolean;
  store?: string;
  table: string;
  dataDir?: string;
  out?: string;
  label?: string;
  threads?: number;
  backend: BackendChoice;
  json: boolean;
}

/** The index and the model it was made with (see the top of the file). */
async function openIndex(flags: SearchFlags): Promise<{ m: SearchModel; index: SearchIndex }> {
  if (flags.index === undefined && flags.model === undefined)
    throw new Error(
      'give the index to search (--index INDEX, as convnet index --out wrote it) or the model whose directory holds it (--model DIR)',
    );
  if (flags.index !== undefined) {
    const manifest = await readManifest(flags.index);
    const path = flags.model ?? manifest.model.path;
    const m = await loadSearchModel(path).catch((error: unknown) => {
      throw flags.model === undefined
        ? new Error(
            `${flags.index} was made with the model ${path}, which cannot be read now (${(error as Error).message}); pass it with --model`,
            { cause: error },
          )
        : error;
    });
    checkIndexModel({ dir: flags.index, manifest }, await modelIdentity(m.file), m.dim);
    return { m, index: await readSearchIndex(flags.index) };
  }
  const m = await loadSearchModel(flags.model as string);
  if (!isSearchIndex(m.dir))
    throw new Error(
      `${m.dir} holds no search index (${MANIFEST_FILE}): build it with convnet index --model ${flags.model}, or pass --index INDEX`,
    );
  const manifest = await readManifest(m.dir);
  checkIndexModel({ dir: m.dir, manifest }, await modelIdentity(m.file), m.dim);
  return { m, index: await readSearchIndex(m.dir) };
}

/** `convnet search`. */
export function searchCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('search')
      .description("find an image's nearest neighbours in a search index (convnet index)")
      .argument('<image>', "a PNG or JPEG file, prepared as the index's images were")
      .option('--index <index>', 'a search index folder (convnet index --out INDEX)')
      .option(
        '--model <dir>',
        "the embedding model (default: the index's); alone, the index is the one in its directory",
      )
      .addOption(new Option('--k <n>', 'neighbours to list').argParser(parseInteger(1)).default(10))
      .option('--hnsw', 'search the HNSW index instead of exactly', false)
      .option(
        '--store <db>',
        'search a pgvector store filled by convnet index --store (a folder or a postgres:// URL)',
      )
      .option('--table <name>', 'the store table', 'convnet_embeddings')
      .option('--out <file>', 'write a PNG of the query beside its results')
      .option(
        '--data-dir <dir>',
        'where the Fashion-MNIST files are, for --out (fashion-mnist only)',
      )
      .option('--label <class>', "the query's class, to frame each result by whether it matches"),
  )
    .option('--json', 'print the results as JSON', false)
    .action(async function (this: Command, image: string) {
      const flags = this.opts<SearchFlags>();
      if (flags.hnsw && flags.store !== undefined)
        throw new Error('--hnsw and --store exclude each other');
      const backend = await selectBackend(flags.backend, flags.threads);
      try {
        const { m, index } = await openIndex(flags);
        const names = index.manifest.classNames;
        if (flags.label !== undefined && (names === null || !names.includes(flags.label)))
          throw new Error(
            names === null
              ? `--label ${flags.label}: the index has no labels (its images are not in class subfolders)`
              : `--label ${flags.label} is not one of the index's classes: ${names.join(', ')}`,
          );
        const query = prepareQuery(m, index, image);
        let hits: SearchHit[];
        let how: string;
        if (flags.store !== undefined) {
          const store = await VectorStore.open(flags.store, { table: flags.table });
          try {
            how = `${store.description}, table ${flags.table} (HNSW)`;
            hits = (await store.search(query.vector.data, flags.k)).map((x, i) => ({
              rank: i + 1,
              index: x.id,
              path: x.path,
              label: x.label === null ? null : (names?.[x.label] ?? String(x.label)),
              distance: x.distance,
            }));
          } finally {
            await store.close();
          }
        } else {
          hits = await searchIndex(index, query.vector, flags.k, flags.hnsw ? 'hnsw' : 'exact');
          how = flags.hnsw ? 'HNSW index' : 'exact search';
        }
        if (flags.out !== undefined) {
          const { source } = index.manifest;
          const data =
            source.kind === 'dataset'
              ? await loadModelData(m, { dataset: source.name, dataDir: flags.dataDir })
              : null;
          const { inChannels, imageSize } = modelInput(m.spec);
          const tiles = resultTiles(m, index, hits, data);
          const picture = await searchPicture(
            imageTile(query.raw, [inChannels, ...imageSize]),
            hits.map((h, i) => ({ tile: tiles[i], label: h.label ?? '?', distance: h.distance })),
            {
              title: `${image}: ${hits.length} nearest (${how}, cosine distance)`,
              queryLabel: flags.label ?? null,
            },
          );
          await writeFile(flags.out, picture.png);
        }
        if (flags.json) {
          output.stdout.write(
            `${JSON.stringify({ image, index: index.dir, search: how, notes: query.notes, results: hits }, null, 2)}\n`,
          );
          return;
        }
        const lines = [
          `${image}: ${hits.length} nearest by ${how}${query.notes.length > 0 ? ` (${query.notes.join('; ')})` : ''}`,
          ...hits.map(
            (h) =>
              `${String(h.rank).padStart(3)}. ${h.path.padEnd(24)} ${(h.label ?? '-').padEnd(12)} distance ${h.distance.toFixed(4)}`,
          ),
          ...(flags.out === undefined ? [] : [`picture: ${flags.out}`]),
        ];
        output.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        backend.dispose();
      }
    });
}
