import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import {
  CHECKPOINT_MANIFEST,
  CheckpointError,
  loadCheckpoint,
  loadCheckpointSync,
  saveCheckpoint,
  saveCheckpointSync,
  type CheckpointContents,
  type LoadedCheckpoint,
} from '../../src/io/checkpoint.js';
import type { JsonValue } from '../../src/io/json.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { Adam } from '../../src/optim/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAVER = fileURLToPath(new URL('helpers/checkpoint-saver.ts', import.meta.url));

async function withTempDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'convnet-checkpoint-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sampleContents(seed = 1): CheckpointContents {
  const rng = new Rng(seed);
  const weight = Tensor.randn([4, 1, 3, 3], rng, 0.1).requireGrad();
  const bias = Tensor.zeros([4]).requireGrad();
  const optimizer = new Adam([weight, bias], { lr: 1e-3 });
  weight.grad = Tensor.ones(weight.shape);
  bias.grad = Tensor.ones(bias.shape);
  optimizer.step();
  return {
    spec: { model: 'seed-net', layers: [{ type: 'conv2d', in: 1, out: 4, kernel: 3 }] },
    weights: { 'conv.weight': weight, 'conv.bias': bias, 'bn.var': Tensor.ones([4], 'float64') },
    optimizer: optimizer.stateDict(),
    state: { epoch: 2, step: 250, rng: [1, 2, 3, 4], history: [{ loss: 0.5, accuracy: 0.9 }] },
  };
}

function assertSameWeights(
  actual: Map<string, Tensor>,
  expected: CheckpointContents['weights'],
): void {
  const entries = expected instanceof Map ? [...expected] : Object.entries(expected);
  assert.deepEqual([...actual.keys()].sort(), entries.map(([name]) => name).sort());
  for (const [name, tensor] of entries) {
    const loaded = actual.get(name);
    assert.equal(loaded?.dtype, tensor.dtype, name);
    assert.deepEqual(loaded?.shape, tensor.shape, name);
    assert.deepEqual(loaded?.toArray(), tensor.toArray(), name);
  }
}

function assertSameCheckpoint(loaded: LoadedCheckpoint, contents: CheckpointContents): void {
  assert.deepEqual(loaded.spec, contents.spec);
  assertSameWeights(loaded.weights, contents.weights);
  assert.deepEqual(loaded.optimizer, contents.optimizer);
  assert.deepEqual(loaded.state, contents.state);
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Replaces a part file and updates the manifest to match, as a buggy writer would. */
function replaceWithValidHash(dir: string, file: string, data: Uint8Array): void {
  writeFileSync(join(dir, file), data);
  const manifestPath = join(dir, CHECKPOINT_MANIFEST);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const entry of Object.values<{ file: string; bytes: number; sha256: string }>(
    manifest.files,
  )) {
    if (entry.file === file) Object.assign(entry, { bytes: data.length, sha256: sha256(data) });
  }
  writeFileSync(manifestPath, JSON.stringify(manifest));
}

/** A manifest as JSON.parse returns it, for tests to spoil. */
interface EditableManifest {
  format: unknown;
  version: unknown;
  generation: unknown;
  files: Record<string, Record<string, unknown>>;
}

function editManifest(dir: string, edit: (manifest: EditableManifest) => void): void {
  const path = join(dir, CHECKPOINT_MANIFEST);
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
}

function loadError(dir: string): CheckpointError {
  try {
    loadCheckpointSync(dir);
  } catch (error) {
    assert.ok(error instanceof CheckpointError, `expected a CheckpointError, got ${String(error)}`);
    return error;
  }
  assert.fail('the checkpoint loaded');
}

describe('checkpoints: save and load', () => {
  it('round-trips spec, weights, optimizer and state, with a manifest of hashes', () =>
    withTempDir(async (root) => {
      const dir = join(root, 'run', 'checkpoint');
      const contents = sampleContents();
      const manifest = await saveCheckpoint(dir, contents);
      assert.equal(manifest.generation, 1);
      assert.deepEqual(readdirSync(dir).sort(), [
        CHECKPOINT_MANIFEST,
        'model-1.json',
        'optimizer-1.json',
        'state-1.json',
        'weights-1.safetensors',
      ]);
      const onDisk = JSON.parse(readFileSync(join(dir, CHECKPOINT_MANIFEST), 'utf8'));
      assert.deepEqual(onDisk, manifest);
      assert.equal(onDisk.format, 'convnet-ts checkpoint');
      const weightsBytes = readFileSync(join(dir, 'weights-1.safetensors'));
      assert.equal(onDisk.files.weights.sha256, sha256(weightsBytes));
      assert.equal(onDisk.files.weights.bytes, weightsBytes.length);

      assertSameCheckpoint(await loadCheckpoint(dir), contents);
      const loaded = loadCheckpointSync(dir);
      assertSameCheckpoint(loaded, contents);
      assert.deepEqual(loaded.manifest, manifest);
    }));

  it('restores an optimizer from its loaded state dict', () =>
    withTempDir((dir) => {
      const contents = sampleContents(4);
      saveCheckpointSync(dir, contents);
      const loaded = loadCheckpointSync(dir);
      const param = loaded.weights.get('conv.weight');
      const bias = loaded.weights.get('conv.bias');
      assert.ok(param !== undefined && bias !== undefined);
      const optimizer = new Adam([param.requireGrad(), bias.requireGrad()], { lr: 1e-3 });
      optimizer.loadStateDict(loaded.optimizer);
      assert.deepEqual(optimizer.stateDict(), contents.optimizer);
    }));

  it('writes a new generation per save and removes the old files after the manifest', () =>
    withTempDir((dir) => {
      saveCheckpointSync(dir, sampleContents(1));
      const second = sampleContents(2);
      const manifest = saveCheckpointSync(dir, second);
      assert.equal(manifest.generation, 2);
      assert.deepEqual(readdirSync(dir).sort(), [
        CHECKPOINT_MANIFEST,
        'model-2.json',
        'optimizer-2.json',
        'state-2.json',
        'weights-2.safetensors',
      ]);
      assertSameCheckpoint(loadCheckpointSync(dir), second);
    }));

  it('keeps files it does not own', () =>
    withTempDir((dir) => {
      writeFileSync(join(dir, 'history.csv'), 'epoch,loss\n');
      writeFileSync(join(dir, 'model.json'), '{}');
      saveCheckpointSync(dir, sampleContents());
      saveCheckpointSync(dir, sampleContents());
      assert.ok(existsSync(join(dir, 'history.csv')));
      assert.ok(existsSync(join(dir, 'model.json')));
    }));

  it('makes optimizer and state optional, and loads only the parts asked for', () =>
    withTempDir((dir) => {
      const { spec, weights } = sampleContents();
      const manifest = saveCheckpointSync(dir, { spec, weights });
      assert.deepEqual(Object.keys(manifest.files), ['spec', 'weights']);
      const loaded = loadCheckpointSync(dir);
      assert.equal(loaded.optimizer, undefined);
      assert.equal(loaded.state, undefined);

      saveCheckpointSync(dir, sampleContents());
      writeFileSync(join(dir, 'optimizer-2.json'), 'corrupt');
      const partial = loadCheckpointSync(dir, { parts: ['spec', 'weights', 'state'] });
      assert.equal(partial.optimizer, undefined);
      assert.deepEqual(partial.state, sampleContents().state);
      assert.throws(() => loadCheckpointSync(dir), /optimizer-2\.json: has 7 bytes/);
    }));

  it('snapshots the contents when called, so training can go on during an async save', () =>
    withTempDir(async (dir) => {
      const weight = Tensor.from([1, 2, 3], [3]);
      const state = { step: 1 };
      const saving = saveCheckpoint(dir, { spec: {}, weights: { weight }, state });
      weight.data.fill(99);
      state.step = 2;
      await saving;
      const loaded = loadCheckpointSync(dir);
      assert.deepEqual(loaded.weights.get('weight')?.toArray(), [1, 2, 3]);
      assert.deepEqual(loaded.state, { step: 1 });
    }));

  it('refuses to save what JSON or safetensors cannot hold, naming it', () =>
    withTempDir(async (dir) => {
      const { spec, weights } = sampleContents();
      assert.throws(
        () => saveCheckpointSync(dir, { spec, weights, state: { history: [{ loss: NaN }] } }),
        /cannot save a checkpoint: state\.history\[0\]\.loss is NaN, which JSON cannot hold/,
      );
      const noSpec: CheckpointContents = JSON.parse('{"weights": {}}');
      await assert.rejects(
        saveCheckpoint(dir, noSpec),
        /cannot save a checkpoint: spec is required/,
      );
      const badWeights: CheckpointContents = JSON.parse('{"spec": {}, "weights": {"w": [1, 2]}}');
      assert.throws(() => saveCheckpointSync(dir, badWeights), /"w" is not a Tensor/);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    }));
});

describe('checkpoints: crashes between files', () => {
  it('ignores a half-finished save and cleans it up at the next one', () =>
    withTempDir((dir) => {
      const first = sampleContents(1);
      saveCheckpointSync(dir, first);
      // A save of generation 2 that died after writing one file and part of another.
      writeFileSync(
        join(dir, 'weights-2.safetensors'),
        encodeSafetensors({ w: Tensor.zeros([2]) }),
      );
      writeFileSync(join(dir, '.model-2.json.0123456789abcdef.tmp'), '{"trunc');
      writeFileSync(join(dir, '.checkpoint.json.fedcba9876543210.tmp'), '');
      assertSameCheckpoint(loadCheckpointSync(dir), first);

      const next = saveCheckpointSync(dir, sampleContents(3));
      assert.equal(next.generation, 3, 'generation 2 names are taken by the crashed save');
      assert.deepEqual(readdirSync(dir).sort(), [
        CHECKPOINT_MANIFEST,
        'model-3.json',
        'optimizer-3.json',
        'state-3.json',
        'weights-3.safetensors',
      ]);
      assertSameCheckpoint(loadCheckpointSync(dir), sampleContents(3));
    }));

  it(
    'always loads one complete checkpoint when saves are killed with SIGKILL',
    { timeout: 300_000 },
    () =>
      withTempDir(async (dir) => {
        const rng = new Rng(5);
        let lastGeneration = 0;
        let killedMidSave = 0;
        // Where a kill lands is up to the scheduler: keep killing (at most 150 times) until three
        // kills have landed mid-save, so a busy machine makes the test longer, not flaky. Most
        // of a save is encoding and hashing before its first file, so only about one kill in
        // ten to twenty lands while files are being written (40 tries once gave only 2).
        for (let trial = 0; trial < 150 && killedMidSave < 3; trial++) {
          const reported = await runSaverAndKill(dir, 200_000, rng.uniform(0, 60));
          const loaded = loadCheckpointSync(dir);
          const named = new Set(Object.values(loaded.manifest.files).map((entry) => entry.file));
          if (readdirSync(dir).some((f) => f !== CHECKPOINT_MANIFEST && !named.has(f)))
            killedMidSave++;
          const step = assertConsistent(loaded);
          assert.ok(
            step === reported || step === reported + 1,
            `trial ${trial}: loaded step ${step}, the saver had reported ${reported}`,
          );
          assert.ok(loaded.manifest.generation > lastGeneration, 'generations only grow');
          lastGeneration = loaded.manifest.generation;
        }
        assert.equal(
          killedMidSave,
          3,
          'kills seldom landed in the middle of a save: the test proved little',
        );
      }),
  );

  it('gives a loader racing saves a complete checkpoint every time', { timeout: 60_000 }, () =>
    withTempDir(async (dir) => {
      const saver = spawn(process.execPath, ['--import', 'tsx', SAVER, dir, '1000'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        await waitForStep(saver, 1);
        const steps = new Set<number>();
        const deadline = Date.now() + 2000;
        while (Date.now() < deadline) steps.add(assertConsistent(await loadCheckpoint(dir)));
        assert.ok(steps.size > 1, `every load saw the same step ${[...steps].join(', ')}`);
      } finally {
        saver.kill('SIGKILL');
      }
    }),
  );
});

/** The step every part of a checkpoint written by the saver child records; they must agree. */
function assertConsistent(loaded: LoadedCheckpoint): number {
  const step = stepOf(loaded.state);
  assert.equal(stepOf(loaded.spec), step, 'spec and state disagree');
  assert.equal(stepOf(loaded.optimizer), step, 'optimizer and state disagree');
  for (const [name, tensor] of loaded.weights) {
    assert.ok(
      tensor.data.every((x) => x === step),
      `${name} is not from step ${step}`,
    );
  }
  return step;
}

function stepOf(value: JsonValue | undefined): number {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value));
  const step = value.step;
  assert.ok(typeof step === 'number');
  return step;
}

function waitForStep(child: ChildProcess, step: number): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (
        chunk
          .toString()
          .trim()
          .split('\n')
          .map(Number)
          .some((s) => s >= step)
      )
        resolve();
    });
    child.on('exit', (code) => reject(new Error(`the saver exited with ${code}`)));
  });
}

/** Runs the saver child until it has saved once more, waits delayMs, kills it: its last step. */
function runSaverAndKill(dir: string, size: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SAVER, dir, String(size)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let reported = 0;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().trim().split('\n');
      const first = reported === 0;
      reported = Number(lines[lines.length - 1]);
      if (first) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(reported);
      else
        reject(
          new Error(`the saver exited with ${code ?? signal} before it was killed: ${stderr}`),
        );
    });
  });
}

describe('checkpoints: corrupt and hostile directories', () => {
  it('names a missing directory, manifest or file', () =>
    withTempDir((dir) => {
      assert.match(loadError(join(dir, 'nope')).message, /nope: no such checkpoint directory$/);
      assert.match(
        loadError(dir).message,
        /checkpoint\.json: not found: this is not a checkpoint directory, or no save into it has finished/,
      );
      saveCheckpointSync(dir, sampleContents());
      rmSync(join(dir, 'weights-1.safetensors'));
      const error = loadError(dir);
      assert.equal(error.path, join(dir, 'weights-1.safetensors'));
      assert.match(
        error.message,
        /weights-1\.safetensors: is missing \(checkpoint\.json lists it\)$/,
      );
    }));

  it('reports a truncated or altered file as partial or corrupt', () =>
    withTempDir((dir) => {
      saveCheckpointSync(dir, sampleContents());
      const path = join(dir, 'weights-1.safetensors');
      const original = readFileSync(path);
      writeFileSync(path, original.subarray(0, 100));
      assert.match(
        loadError(dir).message,
        new RegExp(
          `weights-1\\.safetensors: has 100 bytes, but checkpoint\\.json records ${original.length}: the file is truncated or was overwritten$`,
        ),
      );
      const flipped = Buffer.from(original);
      flipped[flipped.length - 1] ^= 1;
      writeFileSync(path, flipped);
      assert.match(
        loadError(dir).message,
        /weights-1\.safetensors: SHA-256 is [0-9a-f]{64}, but checkpoint\.json records [0-9a-f]{64}: the file is corrupt or was partially written$/,
      );
      writeFileSync(path, original);
      assert.doesNotThrow(() => loadCheckpointSync(dir));
    }));

  it('names the file and the position of bad JSON, and the problem in bad safetensors', () =>
    withTempDir((dir) => {
      saveCheckpointSync(dir, sampleContents());
      replaceWithValidHash(dir, 'state-1.json', Buffer.from('{\n  "epoch": 2,\n  "step": }\n'));
      assert.match(
        loadError(dir).message,
        /state-1\.json: invalid JSON at line 3, column 11 \(character 26\): unexpected '\}', expected a value$/,
      );
      saveCheckpointSync(dir, sampleContents());
      replaceWithValidHash(dir, 'model-2.json', Buffer.from([0x7b, 0xff, 0x7d]));
      assert.match(loadError(dir).message, /model-2\.json: is not valid UTF-8 text$/);
      saveCheckpointSync(dir, sampleContents());
      const weights = encodeSafetensors({ w: Tensor.zeros([2]) });
      replaceWithValidHash(dir, 'weights-3.safetensors', weights.subarray(0, weights.length - 4));
      const error = loadError(dir);
      assert.equal(error.path, join(dir, 'weights-3.safetensors'));
      assert.match(
        error.message,
        /weights-3\.safetensors: tensor "w": data_offsets \[0, 8\] go past the end of the 4-byte data buffer/,
      );
    }));

  it('refuses non-finite weights on loading and on saving, naming the file and the tensor', () =>
    withTempDir(async (dir) => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const manifest = saveCheckpointSync(dir, sampleContents());
        const weight = Tensor.randn([4, 1, 3, 3], new Rng(2), 0.1);
        weight.data[17] = bad;
        const file = manifest.files.weights.file;
        replaceWithValidHash(dir, file, encodeSafetensors({ 'conv.weight': weight }));
        const expected = `${join(dir, file)}: tensor conv.weight has a non-finite value (${bad}) at index 17 of 36`;
        const error = loadError(dir);
        assert.equal(error.message, expected);
        assert.equal(error.path, join(dir, file));
        await assert.rejects(loadCheckpoint(dir), { name: 'CheckpointError', message: expected });
        const contents = { ...sampleContents(), weights: { 'conv.weight': weight } };
        assert.throws(() => saveCheckpointSync(dir, contents), {
          name: 'CheckpointError',
          message: `${dir}: cannot save a checkpoint: weights: tensor conv.weight has a non-finite value (${bad}) at index 17 of 36 (the model has diverged?)`,
        });
        await assert.rejects(saveCheckpoint(dir, contents), { name: 'CheckpointError' });
      }
    }));

  it('rejects a manifest that is malformed or points outside the directory', () =>
    withTempDir((dir) => {
      saveCheckpointSync(dir, sampleContents());
      const manifestPath = join(dir, CHECKPOINT_MANIFEST);
      const good = readFileSync(manifestPath);
      const cases: [(m: EditableManifest) => void, RegExp][] = [
        [(m) => (m.format = 'other'), /not a convnet-ts checkpoint manifest \(format is "other"\)/],
        [
          (m) => (m.version = 2),
          /manifest version 2 is not supported \(this convnet-ts reads version 1\)/,
        ],
        [(m) => (m.generation = 0), /generation must be a positive integer, got 0/],
        [(m) => Object.assign(m, { files: [] }), /files must be an object, got an array/],
        [(m) => (m.files.extra = {}), /files has an unknown part "extra"/],
        [(m) => delete m.files.weights, /files\.weights is missing/],
        [
          (m) => (m.files.spec.file = '../../etc/passwd'),
          /files\.spec\.file must be a plain file name inside the checkpoint directory, got "\.\.\/\.\.\/etc\/passwd"/,
        ],
        [(m) => (m.files.spec.file = '/etc/passwd'), /files\.spec\.file must be a plain file name/],
        [
          (m) => (m.files.state.bytes = -1),
          /files\.state\.bytes must be a non-negative integer, got -1/,
        ],
        [
          (m) => (m.files.state.sha256 = 'ABC'),
          /files\.state\.sha256 must be 64 lower-case hex digits, got "ABC"/,
        ],
        [(m) => (m.files.state.extra = 1), /files\.state has an unknown key "extra"/],
      ];
      for (const [edit, message] of cases) {
        writeFileSync(manifestPath, good);
        editManifest(dir, edit);
        const error = loadError(dir);
        assert.equal(error.path, manifestPath);
        assert.match(error.message, message);
      }
      writeFileSync(manifestPath, '{"format": "convnet-ts checkpoint",');
      assert.match(
        loadError(dir).message,
        /checkpoint\.json: invalid JSON at line 1, column 36 \(character 35\): expected a string key, found end of input$/,
      );
      writeFileSync(manifestPath, '[]');
      assert.match(loadError(dir).message, /checkpoint\.json: the manifest must be a JSON object$/);
    }));

  it('saves over a corrupt manifest', () =>
    withTempDir((dir) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, CHECKPOINT_MANIFEST), 'garbage');
      const contents = sampleContents();
      saveCheckpointSync(dir, contents);
      assertSameCheckpoint(loadCheckpointSync(dir), contents);
    }));
});
