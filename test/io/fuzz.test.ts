/**
 * Fuzzing the file formats we read: model files, checkpoint directories and IDX files. Valid
 * files are mutated (random bytes, truncations, and edits of their headers), and every input
 * must end in one of two ways:
 *
 *   - a clean error: one of the format's own error classes (never a TypeError or RangeError
 *     from deep inside), whose message starts with the file's name;
 *   - or acceptance, only of a valid file: for model files with a digest, the original spec and
 *     byte-identical weights (the digest refuses any other change); for checkpoints whose hashes
 *     were not recomputed, the original contents; otherwise contents that pass every check
 *     (finite weights, consistent IDX images and labels).
 *
 * Bounded: a fixed seed (fast-check's), a fixed number of inputs per format, a few seconds each;
 * limits (the safetensors header cap, the presets' PRESET_INPUT_LIMITS, IDX maxBytes) keep every
 * allocation small. Not covered: a file without a digest (written before digests) whose spec
 * asks for a large model within the limits is built before its weights are found not to fit.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { InMemoryDataset } from '../../src/data/dataset.js';
import { IdxError, encodeIdx, idxToDataset, parseIdx, type IdxArray } from '../../src/data/idx.js';
import {
  CHECKPOINT_MANIFEST,
  CheckpointError,
  loadCheckpointSync,
  saveCheckpointSync,
} from '../../src/io/checkpoint.js';
import {
  ModelFileError,
  decodeModelFile,
  encodeModelFile,
  modelFromFile,
} from '../../src/io/model-file.js';
import { SafetensorsError } from '../../src/io/safetensors.js';
import { Adam } from '../../src/optim/adam.js';
import { Tensor } from '../../src/tensor.js';
import { packOptimizerState, unpackOptimizerState } from '../../src/train/training-state.js';
import { buildModel, completeModelSpec, type PresetModelSpec } from '../../src/io/model-spec.js';

const buildModelOf = (spec: PresetModelSpec) => buildModel(completeModelSpec(spec));

const SEED = 15;
const work = mkdtempSync(join(tmpdir(), 'convnet-fuzz-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A byte-level mutation of a file. */
type Mutation =
  | { kind: 'bytes'; edits: { at: number; value: number; inHeader: boolean }[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'header'; edit: number; pick: number };

const byteEdits = fc.array(
  fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), inHeader: fc.boolean() }),
  { minLength: 1, maxLength: 4 },
);

function mutation(headerEdits: number): fc.Arbitrary<Mutation> {
  return fc.oneof(
    { weight: 5, arbitrary: byteEdits.map((edits): Mutation => ({ kind: 'bytes', edits })) },
    { weight: 2, arbitrary: fc.nat().map((at): Mutation => ({ kind: 'truncate', at })) },
    {
      weight: 3,
      arbitrary: fc
        .record({ edit: fc.nat({ max: headerEdits - 1 }), pick: fc.nat() })
        .map(({ edit, pick }): Mutation => ({ kind: 'header', edit, pick })),
    },
  );
}

/** Applies byte edits or a truncation; headerBytes is where the header of the format ends. */
function mutateBytes(bytes: Uint8Array, m: Mutation, headerBytes: number): Uint8Array {
  if (m.kind === 'truncate') return bytes.slice(0, m.at % bytes.length);
  const out = bytes.slice();
  if (m.kind === 'bytes') {
    for (const { at, value, inHeader } of m.edits) {
      out[at % (inHeader ? Math.min(headerBytes, out.length) : out.length)] = value;
    }
  }
  return out;
}

function sameBits(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.data.length !== b.data.length) return false;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  return x.every((v, i) => v === y[i]);
}

function allFinite(tensors: Iterable<Tensor>): boolean {
  for (const t of tensors) if (!t.data.every((v) => Number.isFinite(v))) return false;
  return true;
}

/** Fails unless error is one of the classes (not a TypeError or RangeError) and names the file. */
function assertCleanError(
  error: unknown,
  classes: readonly (new (...args: never[]) => Error)[],
  file: string,
  input: string,
): void {
  assert.ok(
    classes.some((c) => error instanceof c),
    `${input}: expected ${classes.map((c) => c.name).join(' or ')}, got ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  assert.ok(
    !(error instanceof TypeError) && !(error instanceof RangeError),
    `${input}: a ${(error as Error).name} from deep inside: ${(error as Error).stack}`,
  );
  assert.ok(
    (error as Error).message.startsWith(file),
    `${input}: the message does not start with the file's name: ${(error as Error).message}`,
  );
}

/** Runs the property, and checks it took less than the budget. */
function fuzz<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, check: (value: T) => void): void {
  const started = performance.now();
  try {
    fc.assert(fc.property(arbitrary, check), { seed: SEED, numRuns });
  } catch (error) {
    // fast-check keeps the failing input's error as the cause: show it.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
    if (cause === null) throw error;
    throw new Error(`${(error as Error).message}\n${cause.stack ?? cause.message}`);
  }
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds < 30, `${numRuns} inputs took ${seconds.toFixed(1)} s`);
}

describe('fuzz: model files', () => {
  const spec: PresetModelSpec = {
    preset: 'seed-net',
    options: { seed: 3, numClasses: 3, imageSize: [8, 8] },
    classNames: ['a', 'b', 'c'],
    normalize: { mean: [0.25], std: [0.5] },
  };
  const signed = encodeModelFile(spec, buildModelOf(spec));
  const original = decodeModelFile(signed);
  const source = 'fuzz/model.safetensors';

  /** The header as JSON and the data buffer of a safetensors file. */
  function split(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
    const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    return { header, data: bytes.subarray(8 + length) };
  }

  function join8(header: string, data: Uint8Array, length = BigInt(header.length)): Uint8Array {
    const text = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + text.length + data.length);
    new DataView(out.buffer).setBigUint64(0, length, true);
    out.set(text, 8);
    out.set(data, 8 + text.length);
    return out;
  }

  type Header = Record<
    string,
    { dtype?: unknown; shape?: unknown; data_offsets?: unknown } & Record<string, unknown>
  >;
  /** Edits of the header; `legacy` ones drop the digest but keep the weights. */
  const headerEdits: ((h: Header, pick: number) => { legacy: boolean } | string)[] = [
    (h) => ((h.__metadata__.sha256 = '0'.repeat(64)), { legacy: false }),
    (h) => (delete h.__metadata__.sha256, { legacy: true }),
    (h) => ((h.__metadata__.extra = 'x'), { legacy: false }),
    (h, pick) => {
      delete h.__metadata__.sha256;
      const json = JSON.parse(String(h.__metadata__.spec));
      const sizes = [
        0,
        -1,
        1.5,
        1,
        3,
        [2, 9],
        1025,
        100000,
        1e9,
        2 ** 53,
        '28',
        null,
        [28],
        [28, 28, 28],
      ];
      const size = sizes[pick % sizes.length];
      json.graph.inputs[0].shape = Array.isArray(size) ? [1, ...size] : [1, size, size];
      h.__metadata__.spec = JSON.stringify(json);
      return { legacy: true };
    },
    (h, pick) => {
      delete h.__metadata__.sha256;
      const json = JSON.parse(String(h.__metadata__.spec));
      const node = json.graph.nodes[pick % json.graph.nodes.length];
      const keys = Object.keys(node.config);
      const value = [0, 65, 100001, 2 ** 40, -3, 'x', null, [1, 2, 3]][pick % 8];
      if (keys.length === 0) json.seed = value;
      else node.config[keys[pick % keys.length]] = value;
      h.__metadata__.spec = JSON.stringify(json);
      return { legacy: true };
    },
    (h, pick) => {
      const names = Object.keys(h).filter((k) => k !== '__metadata__');
      const entry = h[names[pick % names.length]];
      entry.dtype = ['F16', 'BF16', 'I32', 'U8', 'F64', 'F8_E4M3', 'X', 7][pick % 8];
      return { legacy: false };
    },
    (h, pick) => {
      const names = Object.keys(h).filter((k) => k !== '__metadata__');
      const entry = h[names[pick % names.length]];
      const shapes = [[], [0], [1e9, 1e9, 1e9], [-1], [2 ** 53], 'x', [1.5]];
      entry.shape = shapes[pick % shapes.length];
      return { legacy: false };
    },
    (h, pick) => {
      const names = Object.keys(h).filter((k) => k !== '__metadata__');
      const entry = h[names[pick % names.length]];
      const offsets = entry.data_offsets as number[];
      entry.data_offsets = [
        [offsets[0] + 4, offsets[1] + 4],
        [offsets[1], offsets[0]],
        [0, 2 ** 60],
        [offsets[0]],
      ][pick % 4];
      return { legacy: false };
    },
    (h, pick) => {
      const names = Object.keys(h).filter((k) => k !== '__metadata__');
      const [a, b] = [names[pick % names.length], names[(pick + 1) % names.length]];
      [h[a], h[b]] = [h[b], h[a]];
      return { legacy: false };
    },
    () => '['.repeat(5000),
    () => '{"__metadata__": 5}',
  ];

  it('refuses every mutation cleanly, or accepts the original weights', () => {
    const headerBytes = 8 + Number(new DataView(signed.buffer).getBigUint64(0, true));
    fuzz(mutation(headerEdits.length + 1), 1000, (m) => {
      let bytes: Uint8Array;
      let legacy = false;
      if (m.kind === 'header' && m.edit === headerEdits.length) {
        // The header length field: any 64-bit value.
        bytes = signed.slice();
        new DataView(bytes.buffer).setBigUint64(0, BigInt(m.pick) * 7919n ** 3n, true);
      } else if (m.kind === 'header') {
        const { header, data } = split(signed);
        const result = headerEdits[m.edit](header as Header, m.pick);
        if (typeof result === 'string') bytes = join8(result, data);
        else {
          legacy = result.legacy;
          bytes = join8(JSON.stringify(header), data);
        }
      } else bytes = mutateBytes(signed, m, headerBytes);
      const input = JSON.stringify(m);
      let loaded;
      try {
        loaded = modelFromFile(bytes, { source });
      } catch (error) {
        assertCleanError(error, [ModelFileError, SafetensorsError], `${source}: `, input);
        return;
      }
      const state = loaded.model.stateDict();
      assert.ok(allFinite(state.values()), input);
      assert.equal(loaded.digest === null, legacy, `${input}: digest ${loaded.digest}`);
      // A file without a digest is not checked: its spec may differ, but still passed checkSpec.
      if (!legacy) assert.deepEqual(loaded.spec, original.spec, input);
      assert.deepEqual([...state.keys()].sort(), [...original.tensors.keys()].sort(), input);
      for (const [name, tensor] of original.tensors) {
        const got = state.get(name);
        assert.ok(got !== undefined && sameBits(got, tensor), `${input}: ${name} changed`);
      }
    });
  });

  it('refuses NaN and infinities written into a file without a digest, naming the tensor', () => {
    const { header, data } = split(signed);
    delete (header as Header).__metadata__.sha256;
    const legacy = join8(JSON.stringify(header), data);
    const dataStart = legacy.length - data.length;
    const nonFinite = [
      [0x00, 0x00, 0xc0, 0x7f],
      [0x00, 0x00, 0x80, 0x7f],
      [0x00, 0x00, 0x80, 0xff],
    ];
    fuzz(
      fc.record({ element: fc.nat({ max: data.length / 4 - 1 }), which: fc.nat({ max: 2 }) }),
      60,
      ({ element, which }) => {
        const bytes = legacy.slice();
        bytes.set(nonFinite[which], dataStart + 4 * element);
        assert.throws(
          () => modelFromFile(bytes, { source }),
          (error: unknown) =>
            error instanceof ModelFileError &&
            new RegExp(
              `^${source}: tensor \\S+ has a non-finite value \\((NaN|-?Infinity)\\) at index \\d+ of \\d+$`,
            ).test(error.message),
        );
      },
    );
  });
});

describe('fuzz: checkpoints', () => {
  const model = buildModelOf({
    preset: 'seed-net',
    options: { numClasses: 2, imageSize: [4, 4] },
  });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  for (const p of model.parameters()) p.grad = Tensor.ones(p.shape);
  optimizer.step();
  const base = join(work, 'checkpoint');
  saveCheckpointSync(base, {
    spec: { preset: 'seed-net' },
    weights: model.stateDict(),
    optimizer: packOptimizerState(optimizer.stateDict(), optimizer.parameters()),
    state: { epoch: 1, step: 3, history: [] },
  });
  const files = new Map(
    readdirSync(base).map((name) => [name, new Uint8Array(readFileSync(join(base, name)))]),
  );
  const names = [...files.keys()].sort();
  const original = loadCheckpointSync(base);
  let runs = 0;

  it('refuses every mutation cleanly, or loads contents that pass every check', () => {
    const arbitrary = fc.record({
      file: fc.nat({ max: names.length - 1 }),
      fixHash: fc.boolean(),
      m: mutation(1),
    });
    fuzz(arbitrary, 300, ({ file, fixHash, m }) => {
      const dir = join(work, `c${runs++}`);
      const name = names[file];
      const isManifest = name === CHECKPOINT_MANIFEST;
      const bytes = files.get(name) ?? new Uint8Array(0);
      const mutated =
        m.kind !== 'header'
          ? mutateBytes(bytes, m, 64)
          : name.endsWith('.safetensors')
            ? withNonFinite(bytes, m.pick)
            : bytes.slice(0, Math.min(bytes.length, 8 + (m.pick % 64)));
      saveCopy(dir, name, mutated, fixHash && !isManifest);
      const input = `${name} ${fixHash ? '(hash fixed) ' : ''}${JSON.stringify(m)}`;
      try {
        const loaded = loadCheckpointSync(dir);
        assert.ok(allFinite(loaded.weights.values()), input);
        const optimizerFile = join(dir, loaded.manifest.files.optimizer?.file ?? 'optimizer');
        try {
          unpackOptimizerState(loaded.optimizer ?? null, optimizerFile);
        } catch (error) {
          assertCleanError(error, [Error], optimizerFile, input);
        }
        if (!fixHash || isManifest) {
          assert.deepEqual(loaded.spec, original.spec, input);
          assert.deepEqual(loaded.optimizer, original.optimizer, input);
          assert.deepEqual(loaded.state, original.state, input);
          for (const [key, tensor] of original.weights) {
            const got = loaded.weights.get(key);
            assert.ok(got !== undefined && sameBits(got, tensor), `${input}: ${key} changed`);
          }
        }
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error;
        assertCleanError(error, [CheckpointError], dir, input);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  /** A safetensors file with one float32 of its data buffer set to NaN or an infinity. */
  function withNonFinite(bytes: Uint8Array, pick: number): Uint8Array {
    const out = bytes.slice();
    const view = new DataView(out.buffer);
    const start = 8 + Number(view.getBigUint64(0, true));
    const at = start + 4 * (pick % ((out.length - start) / 4));
    view.setFloat32(at, [NaN, Infinity, -Infinity][pick % 3], true);
    return out;
  }

  /** The base checkpoint with one file replaced; fixHash updates the manifest to match. */
  function saveCopy(dir: string, name: string, data: Uint8Array, fixHash: boolean): void {
    const copy = new Map(files);
    copy.set(name, Buffer.from(data));
    if (fixHash) {
      const manifest = JSON.parse(new TextDecoder().decode(copy.get(CHECKPOINT_MANIFEST)));
      for (const entry of Object.values<{ file: string; bytes: number; sha256: string }>(
        manifest.files,
      )) {
        if (entry.file === name) {
          entry.bytes = data.length;
          entry.sha256 = createHash('sha256').update(data).digest('hex');
        }
      }
      copy.set(CHECKPOINT_MANIFEST, Buffer.from(JSON.stringify(manifest)));
    }
    mkdirSync(dir, { recursive: true });
    for (const [file, bytes] of copy) writeFileSync(join(dir, file), bytes);
  }
});

describe('fuzz: IDX files', () => {
  const N = 6;
  const imageArray = (n: number): IdxArray => ({
    type: 'uint8',
    shape: [n, 5, 4],
    data: Uint8Array.from({ length: n * 20 }, (_, i) => (i * 37) % 256),
  });
  const labelArray = (n: number): IdxArray => ({
    type: 'uint8',
    shape: [n],
    data: Uint8Array.from({ length: n }, (_, i) => i % 3),
  });
  const baseImages = encodeIdx(imageArray(N));
  const baseLabels = encodeIdx(labelArray(N));
  const classNames = ['a', 'b', 'c'];

  it('refuses every mutation of raw or gzipped images and labels cleanly, or reads a valid dataset', () => {
    const arbitrary = fc.record({
      target: fc.constantFrom('images', 'labels'),
      gzip: fc.boolean(),
      named: fc.boolean(),
      m: mutation(1),
    });
    fuzz(arbitrary, 1500, ({ target, gzip, named, m }) => {
      const pack = (bytes: Uint8Array) => (gzip ? new Uint8Array(gzipSync(bytes)) : bytes);
      // One header edit in seven is to both files at once: N images and labels, N in 0, 1, 7.
      const pair = m.kind === 'header' && m.pick % 7 === 6;
      const count = m.kind === 'header' ? [0, 1, 7][m.pick % 3] : N;
      const images = pair ? encodeIdx(imageArray(count)) : baseImages;
      const labels = pair ? encodeIdx(labelArray(count)) : baseLabels;
      const original = pack(target === 'images' ? images : labels);
      let mutated: Uint8Array;
      if (pair) mutated = original;
      else if (m.kind === 'header') {
        // The type or rank byte, or a dimension set to an edge value (0 images among them).
        const raw = (target === 'images' ? images : labels).slice();
        const view = new DataView(raw.buffer);
        const dims = [0, 1, N + 1, 2 ** 31, 2 ** 32 - 1, (m.pick * 2654435761) >>> 0];
        if (m.pick % 3 === 0) raw[2 + (m.pick % 2)] = m.pick % 256;
        else view.setUint32(4 + 4 * (m.pick % raw[3]), dims[m.pick % dims.length], false);
        mutated = pack(raw);
      } else mutated = mutateBytes(original, m, gzip ? original.length : 16);
      const imagesFile = gzip ? 'fuzz/images.idx.gz' : 'fuzz/images.idx';
      const labelsFile = gzip ? 'fuzz/labels.idx.gz' : 'fuzz/labels.idx';
      const input = `${target} ${gzip ? 'gzip ' : ''}${JSON.stringify(m)}`;
      const options = { maxBytes: 1 << 16, ...(named ? { classNames } : {}) };
      let dataset: InMemoryDataset;
      try {
        const parsedImages = parseIdx(
          target === 'images' ? mutated : pack(images),
          imagesFile,
          options,
        );
        const parsedLabels = parseIdx(
          target === 'labels' ? mutated : pack(labels),
          labelsFile,
          options,
        );
        dataset = idxToDataset(parsedImages, parsedLabels, imagesFile, labelsFile, options);
      } catch (error) {
        assert.ok(
          error instanceof IdxError,
          `${input}: expected an IdxError, got ${String(error)}`,
        );
        assert.ok(
          error.message.startsWith(`${imagesFile}`) || error.message.startsWith(`${labelsFile}`),
          `${input}: the message does not start with a file's name: ${error.message}`,
        );
        return;
      }
      const [n, c, h, w] = dataset.images.shape;
      assert.ok(n > 0 && c === 1 && h > 0 && w > 0, input);
      assert.equal(dataset.labels.length, n, input);
      assert.ok(
        dataset.labels.every((l) => l >= 0 && l < dataset.classNames.length),
        input,
      );
      assert.ok(
        dataset.images.data.every((v) => v >= 0 && v <= 1),
        input,
      );
    });
  });
});
