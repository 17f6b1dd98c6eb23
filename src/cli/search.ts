/**
 * `convnet search --model DIR IMAGE [--k 10] [--hnsw | --store DB] [--out grid.png] [--json]`:
 * embeds an image file with a search model and lists its k nearest gallery images (rank,
 * gallery item, label, cosine distance): by exact search over the gallery beside the model
 * (default), its HNSW index (--hnsw), or a pgvector store that `convnet index --store` filled.
 * --out writes the picture of the query beside its results; --label names the query's class,
 * which frames each result green or red.
 */
import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { noGrad } from '../autograd.js';
import { topK } from '../apps/search/exact-search.js';
import { imageTile, searchPicture } from '../apps/search/results-picture.js';
import {
  loadGallery,
  loadHnsw,
  loadModelData,
  loadSearchModel,
} from '../apps/search/search-run.js';
import { VectorStore } from '../apps/search/vector-store.js';
import { Tensor } from '../tensor.js';
import { prepareImageFile } from '../train/predict.js';
import { modelInput } from '../io/model-spec.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { parseInteger, withBackendOptions, type CliOutput } from './options.js';

interface SearchFlags {
  model: string;
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

interface Hit {
  rank: number;
  id: number;
  path: string;
  label: string;
  distance: number;
}

/** `convnet search`. */
export function searchCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('search')
      .description("find an image's nearest neighbours in a search model's gallery")
      .argument('<image>', 'a PNG or JPEG file, prepared as for convnet predict')
      .requiredOption(
        '--model <dir>',
        'an embedding model directory with its gallery (convnet index)',
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
        const m = await loadSearchModel(flags.model);
        const { spec } = m;
        if (flags.label !== undefined && !spec.classNames.includes(flags.label))
          throw new Error(
            `--label ${flags.label} is not one of the model's classes: ${spec.classNames.join(', ')}`,
          );
        const prepared = prepareImageFile(spec, image);
        const {
          inChannels,
          imageSize: [H, W],
        } = modelInput(spec);
        const shape = [1, inChannels, H, W];
        const query = noGrad(() => m.model.forward(new Tensor(prepared.pixels, shape)));
        const q = { data: Float32Array.from(query.data), count: 1, dim: m.dim };
        let hits: Hit[];
        let how: string;
        if (flags.store !== undefined) {
          const store = await VectorStore.open(flags.store, { table: flags.table });
          try {
            how = `${store.description}, table ${flags.table} (HNSW)`;
            hits = (await store.search(q.data, flags.k)).map((x, i) => ({
              rank: i + 1,
              id: x.id,
              path: x.path,
              label: x.label === null ? '?' : (spec.classNames[x.label] ?? String(x.label)),
              distance: x.distance,
            }));
          } finally {
            await store.close();
          }
        } else {
          const gallery = await loadGallery(m);
          const k = Math.min(flags.k, gallery.vectors.count);
          const found = flags.hnsw
            ? (await loadHnsw(m)).search(q, k)
            : (() => {
                const r = topK(q, gallery.vectors, k);
                return { indices: r.indices, distances: r.scores.map((s) => 1 - s) };
              })();
          how = flags.hnsw ? 'HNSW index' : 'exact search';
          hits = Array.from(found.indices, (id, i) => ({
            rank: i + 1,
            id,
            path: `${gallery.source}:${id}`,
            label: spec.classNames[gallery.labels[id]],
            distance: found.distances[i],
          }));
        }
        if (flags.out !== undefined) {
          const data = await loadModelData(m, flags);
          const [C] = data.train.imageShape;
          const tileOf = (id: number) =>
            imageTile(data.train.images.data.subarray(id * C * H * W, (id + 1) * C * H * W), [
              C,
              H,
              W,
            ]);
          const raw = prepared.pixels.map((v, i) => {
            const c = Math.floor(i / (H * W));
            return v * spec.normalize.std[c] + spec.normalize.mean[c];
          });
          const picture = await searchPicture(
            imageTile(raw, [C, H, W]),
            hits.map((h) => ({ tile: tileOf(h.id), label: h.label, distance: h.distance })),
            {
              title: `${image}: ${hits.length} nearest (${how}, cosine distance)`,
              queryLabel: flags.label ?? null,
            },
          );
          await writeFile(flags.out, picture.png);
        }
        if (flags.json) {
          output.stdout.write(
            `${JSON.stringify({ image, search: how, notes: prepared.notes, results: hits }, null, 2)}\n`,
          );
          return;
        }
        const lines = [
          `${image}: ${hits.length} nearest by ${how}${prepared.notes.length > 0 ? ` (${prepared.notes.join('; ')})` : ''}`,
          ...hits.map(
            (h) =>
              `${String(h.rank).padStart(3)}. ${h.path.padEnd(24)} ${h.label.padEnd(12)} distance ${h.distance.toFixed(4)}`,
          ),
          ...(flags.out === undefined ? [] : [`picture: ${flags.out}`]),
        ];
        output.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        backend.dispose();
      }
    });
}
