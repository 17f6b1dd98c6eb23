/**
 * `convnet export` and `convnet import`, spawned as a user runs them: a model file goes out as
 * ONNX (ONNX Runtime computes what the model computes on normalised pixels) and comes back as a
 * graph description and weights that rebuild the same model, bitwise.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { noGrad } from '../../src/autograd.js';
import { encodeModelFile, modelFromFile } from '../../src/io/model-file.js';
import { seedNet } from '../../src/nn/presets.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { assertWithinScale, ortSession, runOrt } from '../io/onnx/ort-helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'convnet-onnx-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function convnet(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'main.ts'), ...args],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('convnet export / import', () => {
  const model = seedNet({ seed: 4 }).eval();
  const normalize = { mean: [0.1307], std: [0.3081] };
  const classNames = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
  const file = join(work, 'model.safetensors');
  writeFileSync(
    file,
    encodeModelFile({ preset: 'seed-net', options: { seed: 4 }, normalize, classNames }, model),
  );
  const x = Tensor.uniform([2, 1, 28, 28], new Rng(3));
  const normalized = new Tensor(
    Float32Array.from(x.data, (v) => Math.fround(Math.fround(v - 0.1307) / Math.fround(0.3081))),
    x.shape,
  );
  const expected = noGrad(() => model.forward(normalized));

  it('export writes an ONNX model that takes pixels in [0,1]; import rebuilds the model', async () => {
    const onnx = join(work, 'model.onnx');
    const exported = convnet(['export', '--model', file, '--out', onnx]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(
      exported.stdout,
      /wrote .*model\.onnx .*input \(N,1,28,28\) pixels in \[0,1\], opset 17/,
    );
    const session = await ortSession(new Uint8Array(readFileSync(onnx)));
    const [ort] = (await runOrt(session, { [session.inputNames[0]]: x })).values();
    assertWithinScale(
      ort,
      expected.data,
      'ONNX Runtime on pixels vs the model on normalised pixels',
    );

    const dir = join(work, 'imported');
    const imported = convnet(['import', onnx, '--out', dir]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /10 layers, its input normalisation and 10 class names/);
    const { spec, model: graph } = modelFromFile(readFileSync(join(dir, 'model.safetensors')));
    assert.deepEqual(spec.classNames, classNames);
    assert.deepEqual(spec.normalize, normalize);
    const y = noGrad(() => graph.forward(normalized));
    assert.deepEqual(y.data, expected.data);
    // The imported model is a model like any other: export it again, from its directory.
    const again = convnet(['export', '--model', dir, '--out', join(work, 'again.onnx')]);
    assert.equal(again.code, 0, again.stderr);
  });

  it('import of a file that is not ONNX fails naming the file', () => {
    const bad = join(work, 'bad.onnx');
    writeFileSync(bad, 'not a model');
    const run = convnet(['import', bad, '--out', join(work, 'never')]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /bad\.onnx: /);
  });
});
